//! `reelarr db copy` through the binary.
