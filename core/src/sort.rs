//! Stable sorting that costs the page's wasm one sort routine instead of one per element type.
//!
//! The standard library's stable sort (driftsort) is large and is copied for every element type
//! and comparator it is used with: about 5 KB of wasm each, some 40 copies in the page. In wasm
//! these functions sort a permutation of indices (`Vec<usize>`, one copy of the sort) through a
//! `dyn` comparator and then move the elements into place; natively they call the standard sort.
//! Both are stable, so the result is the same everywhere, element for element.

use std::cmp::Ordering;

/// Stable sort by a comparator, like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], cmp: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(cmp);
    #[cfg(target_arch = "wasm32")]
    indexed_sort_by(v, cmp);
}

/// The wasm path: sorts a permutation, then applies it.
#[cfg(any(target_arch = "wasm32", test))]
fn indexed_sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_order(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// Stable sort by a key, like `slice::sort_by_key` (the key is computed per comparison).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable sort by `Ord`, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` in stable sorted order: the only instance of the standard sort.
#[cfg(any(target_arch = "wasm32", test))]
#[inline(never)]
fn sorted_order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that position `i` holds what was at `order[i]` (cycle by cycle, by swaps).
#[cfg(any(target_arch = "wasm32", test))]
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_moves_every_element_to_its_place() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        permute(&mut v, vec![3, 0, 4, 1, 2]);
        assert_eq!(v, vec!['d', 'a', 'e', 'b', 'c']);
        let mut w = vec![1, 2, 3];
        permute(&mut w, vec![0, 1, 2]);
        assert_eq!(w, vec![1, 2, 3]);
    }

    #[test]
    fn sorting_is_stable() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        let mut s = vec!["b", "a", "c"];
        sort(&mut s);
        assert_eq!(s, vec!["a", "b", "c"]);
    }

    #[test]
    fn the_wasm_path_matches_the_standard_stable_sort() {
        let mut x: u64 = 7;
        for len in 0..200 {
            let v: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 33) % 13, i)
                })
                .collect();
            let mut a = v.clone();
            a.sort_by_key(|p| p.0);
            let mut b = v;
            indexed_sort_by(&mut b, |p, q| p.0.cmp(&q.0));
            assert_eq!(a, b, "length {len}");
        }
    }
}
