//! The external ids an AWS role trusts Crest by (`POST /cloudintegration/awsExternalId`).

use crate::error::DomainError;
use crate::random::Random;

/// A new AWS external id: 128 random bits as 32 lowercase hexadecimal characters.
pub fn new_external_id(random: &dyn Random) -> Result<String, DomainError> {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    #[test]
    fn is_32_lowercase_hex_and_fresh() {
        let random = SequenceRandom::new(7);
        let a = new_external_id(&random).unwrap_or_default();
        let b = new_external_id(&random).unwrap_or_default();
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert_ne!(a, b);
    }
}
