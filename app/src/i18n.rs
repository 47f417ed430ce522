//! Korean and English labels. Every visible string on the page comes from here.

/// The page language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// Korean when the browser's preferred language is Korean, English otherwise.
    pub fn from_browser_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The other language (the switch toggles between the two).
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// BCP-47 tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }
}

/// A label key; `text` gives its words in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Title,
    Subtitle,
    ZooKeeperEnsemble,
    Brokers,
    Running,
    Stopped,
    Killed,
    Paused,
    SwitchLanguage,
    ClusterView,
    VirtualTime,
    Seed,
}

pub fn text(lang: Lang, label: Label) -> &'static str {
    use Label::*;
    match (lang, label) {
        (Lang::En, Title) => "Kafka Playground",
        (Lang::Ko, Title) => "카프카 플레이그라운드",
        (Lang::En, Subtitle) => "A virtual Kafka cluster in your browser: 3 ZooKeepers, 3 brokers",
        (Lang::Ko, Subtitle) => "브라우저 안의 가상 카프카 클러스터: 주키퍼 3대, 브로커 3대",
        (Lang::En, ZooKeeperEnsemble) => "ZooKeeper ensemble",
        (Lang::Ko, ZooKeeperEnsemble) => "주키퍼 앙상블",
        (Lang::En, Brokers) => "Kafka brokers",
        (Lang::Ko, Brokers) => "카프카 브로커",
        (Lang::En, Running) => "running",
        (Lang::Ko, Running) => "실행 중",
        (Lang::En, Stopped) => "stopped",
        (Lang::Ko, Stopped) => "중지됨",
        (Lang::En, Killed) => "killed",
        (Lang::Ko, Killed) => "강제 종료됨",
        (Lang::En, Paused) => "paused",
        (Lang::Ko, Paused) => "일시 정지됨",
        (Lang::En, SwitchLanguage) => "한국어",
        (Lang::Ko, SwitchLanguage) => "English",
        (Lang::En, ClusterView) => "Cluster view",
        (Lang::Ko, ClusterView) => "클러스터 보기",
        (Lang::En, VirtualTime) => "virtual time",
        (Lang::Ko, VirtualTime) => "가상 시간",
        (Lang::En, Seed) => "seed",
        (Lang::Ko, Seed) => "시드",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tag_picks_korean_only_for_ko() {
        assert_eq!(Lang::from_browser_tag("ko-KR"), Lang::Ko);
        assert_eq!(Lang::from_browser_tag("KO"), Lang::Ko);
        assert_eq!(Lang::from_browser_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_browser_tag(""), Lang::En);
        assert_eq!(Lang::Ko.other(), Lang::En);
    }
}
