//! docker-compose parsing (in progress).
