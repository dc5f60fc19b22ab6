//! What every handler can reach: the store, the authenticator, passwords, the clock, and the
//! settings.

use std::sync::Arc;

use crest_auth::Authenticator;
use crest_auth::csp::issue::Issuer;
use crest_auth::csp::keys::KeyRing;
use crest_auth::csp::verify::{AccessVerifier, TrustedIssuer};
use crest_auth::password::Passwords;
use crest_auth::session::Sessions;
use crest_auth::usage::UsageWriter;
use crest_domain::alert::{NoTargetDirectory, TargetDirectory};
use crest_domain::clock::Clock;

use crate::data::{DataPath, SourceRegistrar};
use crate::error::ApiError;
use crate::failure_limit::{Budget, FailureLimiter};
use crest_domain::csp::subscription::Subscription;
use crest_domain::mail::Mailer;
use crest_domain::notificant::{Dispatcher, NoAlerts, NoDelivery, TargetLinks};
use crest_domain::random::Random;
use crest_domain::resource_cache::CachedResources;
use crest_domain::resource_store::ResourceStore;
use crest_domain::store::Store;
use crest_domain::token_vault::{SecretReader, TokenVault};

/// Settings the HTTP layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The address clients reach this instance at (`CREST_PUBLIC_URL`), without a trailing `/`.
    pub public_url: String,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Set when the operator made API tokens retrievable (a compatibility setting).
    pub token_vault: Option<TokenVault>,
    /// Set when invitations are mailed (SMTP configured).
    pub mailer: Option<Arc<dyn Mailer>>,
    /// Original, onboarded or hybrid.
    pub subscription: Subscription,
    /// An external identity service whose tokens are accepted instead of this instance's.
    pub trusted_issuer: Option<Arc<TrustedIssuer>>,
    /// Browsers reach this instance over HTTPS (it serves TLS, or its public URL is `https://`):
    /// session cookies are `Secure` and HSTS is sent.
    pub secure_cookies: bool,
}

/// What alert targets reach beyond their store: the alerts that name them, and delivery.
#[derive(Debug, Clone)]
pub struct AlertTargets {
    pub links: Arc<dyn TargetLinks>,
    pub dispatcher: Arc<dyn Dispatcher>,
}

impl Default for AlertTargets {
    fn default() -> Self {
        Self {
            links: Arc::new(NoAlerts),
            dispatcher: Arc::new(NoDelivery),
        }
    }
}

/// Shared state of the router.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Sources, cloud integrations and the trash.
    pub resources: Arc<dyn ResourceStore>,
    pub authenticator: Authenticator,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub passwords: Passwords,
    /// Browser sessions of the web UI.
    pub sessions: Sessions,
    /// The identity service: its keys and the exchanges.
    pub issuer: Arc<Issuer>,
    /// Failed exchanges, counted to tell flooding clients to back off.
    pub(crate) failures: Arc<FailureLimiter>,
    /// Failed sign-ins, counted to stop password guessing.
    pub(crate) sign_in_failures: Arc<FailureLimiter>,
    pub settings: Arc<HttpSettings>,
    /// The time-series engine; `None` only where an application is built without one (the HTTP
    /// layer's own tests), whose data endpoints then answer 503.
    pub data: Option<DataPath>,
    /// Makes reporting sources Sources.
    pub registrar: Arc<SourceRegistrar>,
    /// The alert targets alerts name (`target:<id>`): none until a directory is set with
    /// [`AppState::with_alert_targets`].
    pub alert_targets: Arc<dyn TargetDirectory>,
    /// The alerts that name targets, and the delivery of notifications.
    pub targets: AlertTargets,
}

impl AppState {
    /// Also returns the writer of token usage, for the caller to run as a background task; it
    /// ends once every copy of the state is gone, after writing what it was handed.
    ///
    /// Handlers reach the store only through the authenticator's notifying wrapper, so that no
    /// write can leave a stale verified token behind.
    pub fn new(
        store: Arc<dyn Store>,
        resources: Arc<dyn ResourceStore>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
        settings: HttpSettings,
    ) -> (Self, UsageWriter) {
        let (authenticator, usage_writer) = Authenticator::new(store.clone(), clock.clone());
        let writes: Arc<dyn Store> = Arc::new(authenticator.store_for_writes());
        let keys = KeyRing::new(writes.clone(), clock.clone());
        let issuer = Arc::new(Issuer::new(
            writes.clone(),
            clock.clone(),
            random.clone(),
            keys,
            &settings.public_url,
        ));
        let authenticator = authenticator
            .with_subscription(settings.subscription)
            .with_access_tokens(
                AccessVerifier::new(issuer.clone(), store, clock.clone())
                    .trusting(settings.trusted_issuer.clone()),
            );
        let store = writes;
        let resources: Arc<dyn ResourceStore> =
            Arc::new(CachedResources::new(resources, clock.clone()));
        let state = Self {
            registrar: Arc::new(SourceRegistrar::new(resources.clone(), clock.clone())),
            alert_targets: Arc::new(NoTargetDirectory),
            data: None,
            targets: AlertTargets::default(),
            issuer,
            failures: Arc::new(FailureLimiter::new(Budget::EXCHANGE)),
            sign_in_failures: Arc::new(FailureLimiter::new(Budget::SIGN_IN)),
            passwords: Passwords::new(store.clone(), clock.clone(), random.clone()),
            sessions: Sessions::new(store.clone(), clock.clone(), random.clone()),
            store,
            resources: resources.clone(),
            authenticator,
            clock,
            random,
            settings: Arc::new(settings),
        };
        (state, usage_writer)
    }
}

impl AppState {
    /// The same state, with the time-series engine the data endpoints use.
    pub fn with_data(mut self, data: DataPath) -> Self {
        self.data = Some(data);
        self
    }

    /// The same state, with the directory of alert targets alerts' `target:` entries name.
    pub fn with_alert_targets(mut self, targets: Arc<dyn TargetDirectory>) -> Self {
        self.alert_targets = targets;
        self
    }

    /// The same state, with the alerts that name targets and the delivery of notifications.
    pub fn with_targets(mut self, targets: AlertTargets) -> Self {
        self.targets = targets;
        self
    }

    /// The time-series engine, or a 503 when this application has none.
    pub(crate) fn data(&self) -> Result<&DataPath, ApiError> {
        self.data.as_ref().ok_or(ApiError::NoEngine)
    }

    /// The key that seals and opens retrievable tokens, when the operator set one.
    /// The vault that seals new tokens' secrets, when the operator turned retrieval on.
    pub(crate) fn sealer(&self) -> Option<&TokenVault> {
        self.settings.token_vault.as_ref()
    }

    /// The token vault as this caller may use it (secrets of accounts it covers only).
    pub(crate) fn vault<'a>(&'a self, caller: &'a crate::auth::Caller) -> SecretReader<'a> {
        SecretReader::new(self.settings.token_vault.as_ref(), caller.principal())
    }
}
