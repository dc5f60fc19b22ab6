//! Outgoing mail (invitations, alert notifications), behind a trait so that the domain knows nothing of SMTP.

use std::fmt::{self, Debug};

use async_trait::async_trait;

/// One message to one recipient. The body may carry a secret link: it never appears in `Debug`.
#[derive(Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The body is HTML (else plain text).
    pub html: bool,
}

impl Debug for Mail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
#[error("the mail could not be sent: {0}")]
pub struct MailError(pub String);

/// Sends mail.
#[async_trait]
pub trait Mailer: Send + Sync + Debug {
    async fn send(&self, mail: Mail) -> Result<(), MailError>;
}

/// The invitation a new user receives.
pub fn invitation(to: &str, invited_by: &str, link: &str) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: "You are invited to Crest".to_owned(),
        body: format!(
            "{invited_by} invited you to Crest.\n\n\
             Open this link within 24 hours to choose your password:\n{link}\n\n\
             If you did not expect this invitation, ignore this message.\n"
        ),
        html: false,
    }
}
