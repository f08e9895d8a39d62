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

/// Verified when a login names an unknown user, so that path costs what a real check costs.
/// A constant of the same parameters as [`hash`] (a test holds them equal): it used to be hashed
/// at every start, which cost 19.5 MB of argon2 working memory and a core for ~100 ms each time.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$nFB8zTMRfjTkuDgaFpmN/g$sbef70put7O4nfHbRS2Wc0gs77yAeuzXHeCtS5IrojI";

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

    /// The unknown-user check costs what a real one does: same algorithm, version and
    /// parameters as a fresh hash, and it is a real hash (of a known phrase).
    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let fresh = hash("x");
        let (dummy, real) = (
            PasswordHash::new(DUMMY_HASH).unwrap(),
            PasswordHash::new(&fresh).unwrap(),
        );
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert!(verify(DUMMY_HASH, "reelarr-timing-equaliser"));
    }
}
