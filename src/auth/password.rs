//! Password hashing (argon2id) and generation. CPU-heavy calls are meant for `spawn_blocking`.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::distributions::{Alphanumeric, DistString};

/// Hashes with argon2id and the crate's recommended parameters, as a PHC string.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail on a normal password")
        .to_string()
}

/// Verifies in constant time (argon2 compares digests without early exit). A malformed stored hash
/// never matches.
pub fn verify(stored_hash: &str, password: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random password for the first start: 24 alphanumerics, about 142 bits.
pub fn generate() -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), 24)
}

/// Rules for a password a person chooses; returns what is wrong.
pub fn check_strength(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        return Err("the password must be at least 8 characters long".into());
    }
    if password.len() > 1024 {
        return Err("the password must be at most 1024 bytes long".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let h = hash("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&h, "correct horse"));
        assert!(!verify(&h, "correct horsE"));
        assert!(!verify("garbage", "x"));
        assert_eq!(generate().len(), 24);
        assert!(check_strength("short").is_err());
    }
}
