//! The RS256 keys access tokens are signed with: made once (in the background, so start-up never
//! waits on them), kept in the store, shared by every instance, rotated by `crest admin`.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use crest_domain::clock::{Clock, EpochMillis};
use crest_domain::csp::signing_key::SigningKeyRecord;
use crest_domain::store::{Store, StoreError};
use jsonwebtoken::{Algorithm, DecodingKey, Header};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::csp::claims::AccessClaims;
use crate::csp::throttle::OncePer;

/// The size of every key.
const KEY_BITS: usize = 2048;
/// How long an exchange waits for the first key before giving up.
const READY_WAIT: Duration = Duration::from_secs(60);
/// The least time between two reloads from the store for an unknown `kid`.
const RELOAD_INTERVAL_MS: EpochMillis = 1000;
/// How often signing looks for a newer key (another instance, or `crest admin`, rotated).
const SIGNING_REFRESH_MS: EpochMillis = 60_000;

/// Why signing failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the signing key is not ready yet")]
    NotReady,
    #[error("signing key: {0}")]
    Broken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A public key as clients fetch it.
#[derive(Debug, Clone)]
pub struct PublicKey {
    pub kid: String,
    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub pem: String,
    /// The modulus and exponent, base64url, for JWKS.
    pub n: String,
    pub e: String,
}

struct LoadedKey {
    public: PublicKey,
    /// Parsed once: parsing and checking a private key costs a good part of a signature.
    signing: RsaKeyPair,
    /// The token header every signature with this key starts with, base64url-encoded.
    header: String,
    decoding: DecodingKey,
}

#[derive(Default)]
struct Keys {
    /// Oldest first; the newest signs.
    all: Vec<LoadedKey>,
    reloaded_ms: EpochMillis,
}

/// Every key this instance knows, and the newest for signing.
pub struct KeyRing {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    keys: RwLock<Keys>,
    ready: watch::Sender<bool>,
    /// When an unknown `kid` last sent the ring to the store.
    missed: OncePer,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing").finish_non_exhaustive()
    }
}

impl KeyRing {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Arc<Self> {
        Arc::new(Self {
            store,
            clock,
            keys: RwLock::new(Keys::default()),
            ready: watch::channel(false).0,
            missed: OncePer::default(),
        })
    }

    /// Loads the stored keys; when there is none, stores `initial` if given (tests hand in a key
    /// made once), or else makes the first one in the background.
    pub async fn prepare(
        self: &Arc<Self>,
        initial: Option<&SigningKeyRecord>,
    ) -> Result<(), KeyError> {
        if self.reload().await? > 0 {
            return Ok(());
        }
        if let Some(key) = initial {
            self.store.add_signing_key(key).await?;
            self.reload().await?;
            return Ok(());
        }
        let ring = Arc::clone(self);
        tokio::spawn(async move {
            if let Err(e) = ring.rotate().await {
                tracing::error!("could not make the first signing key: {e}");
            }
        });
        Ok(())
    }

    /// Whether a key is there to sign with.
    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Makes a new key, stores it and signs with it from now on; older keys keep verifying the
    /// tokens they signed. Returns the new key's id.
    pub async fn rotate(&self) -> Result<String, KeyError> {
        let now = self.clock.now_millis();
        let record = tokio::task::spawn_blocking(move || generate(now))
            .await
            .map_err(|e| KeyError::Broken(e.to_string()))??;
        self.store.add_signing_key(&record).await?;
        self.reload().await?;
        Ok(record.kid)
    }

    /// Reads every key from the store again; returns how many there are.
    pub async fn reload(&self) -> Result<usize, KeyError> {
        let records = self.store.signing_keys().await?;
        let mut loaded = Vec::with_capacity(records.len());
        for record in &records {
            loaded.push(load(record)?);
        }
        let count = loaded.len();
        if let Ok(mut keys) = self.keys.write() {
            keys.all = loaded;
            keys.reloaded_ms = self.clock.now_millis();
        }
        if count > 0 {
            self.ready.send_replace(true);
        }
        Ok(count)
    }

    /// Signs claims with the newest key, waiting for the first key if it is still being made.
    pub async fn sign(&self, claims: &AccessClaims) -> Result<String, KeyError> {
        if !self.is_ready() {
            let mut rx = self.ready.subscribe();
            tokio::time::timeout(READY_WAIT, rx.wait_for(|r| *r))
                .await
                .map_err(|_| KeyError::NotReady)?
                .map_err(|_| KeyError::NotReady)?;
        }
        let stale = self
            .keys
            .read()
            .map(|k| self.clock.now_millis() - k.reloaded_ms >= SIGNING_REFRESH_MS)
            .unwrap_or(false);
        if stale && let Err(e) = self.reload().await {
            tracing::warn!("could not look for a newer signing key: {e}");
        }
        self.sign_now(claims)
    }

    /// Signs with the newest key loaded, without waiting or looking for newer ones (the raw
    /// signing rate the benchmark compares exchanges with).
    pub fn sign_now(&self, claims: &AccessClaims) -> Result<String, KeyError> {
        let keys = self
            .keys
            .read()
            .map_err(|_| KeyError::Broken("key ring poisoned".into()))?;
        let newest = keys.all.last().ok_or(KeyError::NotReady)?;
        newest.sign(claims)
    }

    /// The key that verifies tokens naming `kid`; an unknown `kid` makes the ring look in the
    /// store again (at most once a second), since another instance may have rotated.
    pub async fn decoding_key(&self, kid: &str) -> Option<DecodingKey> {
        if let Some(key) = self.find(kid) {
            return Some(key);
        }
        // Unknown ids (forged tokens among them) reach the store at most once a second.
        let may_look = self
            .missed
            .try_at(self.clock.now_millis(), RELOAD_INTERVAL_MS);
        if may_look && self.reload().await.is_ok() {
            return self.find(kid);
        }
        None
    }

    fn find(&self, kid: &str) -> Option<DecodingKey> {
        let keys = self.keys.read().ok()?;
        keys.all
            .iter()
            .find(|k| k.public.kid == kid)
            .map(|k| k.decoding.clone())
    }

    /// Every public key, newest first.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys
            .read()
            .map(|k| k.all.iter().rev().map(|l| l.public.clone()).collect())
            .unwrap_or_default()
    }
}

impl LoadedKey {
    /// A compact JWS (RFC 7515), exactly as `jsonwebtoken::encode` makes it, signed with AWS-LC.
    fn sign(&self, claims: &AccessClaims) -> Result<String, KeyError> {
        let payload = serde_json::to_vec(claims).map_err(broken)?;
        let mut jwt = String::with_capacity(self.header.len() + payload.len() * 4 / 3 + 350);
        jwt.push_str(&self.header);
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut jwt);
        let mut signature = vec![0; self.signing.public_modulus_len()];
        self.signing
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                jwt.as_bytes(),
                &mut signature,
            )
            .map_err(broken)?;
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut jwt);
        Ok(jwt)
    }
}

fn broken(e: impl std::fmt::Display) -> KeyError {
    KeyError::Broken(e.to_string())
}

/// A fresh key; its id is derived from its public half. Key material comes from the operating
/// system's random source. Slow (RSA key generation): run it on a blocking thread.
pub fn generate(now: EpochMillis) -> Result<SigningKeyRecord, KeyError> {
    let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, KEY_BITS).map_err(broken)?;
    let der = RsaPublicKey::from(&private)
        .to_public_key_der()
        .map_err(broken)?;
    let kid = hex_prefix(&Sha256::digest(der.as_bytes()));
    let pem = private.to_pkcs8_pem(LineEnding::LF).map_err(broken)?;
    Ok(SigningKeyRecord {
        kid,
        private_pem: pem.to_string(),
        created_ms: now,
    })
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

fn load(record: &SigningKeyRecord) -> Result<LoadedKey, KeyError> {
    let private = RsaPrivateKey::from_pkcs8_pem(&record.private_pem).map_err(broken)?;
    let public = RsaPublicKey::from(&private);
    let pem = public.to_public_key_pem(LineEnding::LF).map_err(broken)?;
    let der = private.to_pkcs8_der().map_err(broken)?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(record.kid.clone());
    Ok(LoadedKey {
        signing: RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(broken)?,
        header: URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(broken)?),
        decoding: DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(broken)?,
        public: PublicKey {
            kid: record.kid.clone(),
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
            pem,
        },
    })
}
