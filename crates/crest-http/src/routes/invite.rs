//! Invitations: the official invite operations create the users and a pending invitation, mailed
//! when SMTP is configured; crest's `/api/crest/v1/invites` endpoints hand the link to the inviting
//! administrator otherwise, and let the invited person accept it with a first password.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountId;
use crest_domain::invite;
use crest_domain::mail;
use crest_domain::password::Password;
use crest_domain::secret::RandomSecret;
use crest_types::accounts::{UserModel, UserToCreate};
use crest_types::crest::{
    AcceptInvite, Invite, InviteLink, ResponseContainerInviteLink, ResponseContainerListInvite,
};
use crest_types::envelope::{ResponseStatus, StatusEnvelope};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Source};
use crate::routes::user_account;
use crate::state::AppState;

/// Creates each invited user and leaves an invitation pending; answers with the last user, as the
/// API's single `UserModel` does. A user who exists already is refused (409), as the product
/// refused one, and nothing of theirs changes.
pub(crate) async fn invite_many(
    state: &AppState,
    caller: &Caller,
    users: Vec<UserToCreate>,
) -> Result<UserModel, ApiError> {
    if users.is_empty() {
        return Err(ApiError::BadRequest(
            "name at least one user to invite".into(),
        ));
    }
    // Refuse an existing user before anyone is created, so that such a request changes nothing.
    for user in &users {
        let id = crest_domain::account::parse_user_id(&user.email_address)?;
        if state.store.account(&id).await?.is_some() {
            return Err(ApiError::Conflict(format!(
                "User with id {id} is already created in our system."
            )));
        }
    }
    let mut last = None;
    for user in users {
        let model = user_account::create(state, caller, user).await?;
        let id = AccountId::parse(&model.identifier)?;
        if state.store.password_hash(&id).await?.is_none() {
            let inviter = caller.principal().account.as_str();
            let minted = invite::mint(
                state.store.as_ref(),
                state.clock.as_ref(),
                state.random.as_ref(),
                caller.principal(),
                &id,
            )
            .await?;
            // With SMTP, the link is mailed; without, its secret is dropped here and the
            // administrator mints the link to hand over.
            if let Some(mailer) = &state.settings.mailer {
                let link = link(state, &minted.secret);
                mailer
                    .send(mail::invitation(id.as_str(), inviter, &link))
                    .await
                    .map_err(|e| ApiError::BadGateway(format!("{e}; the user exists, so mint the link with POST /api/crest/v1/invites/{id}/link")))?;
            }
        }
        last = Some(model);
    }
    last.ok_or_else(|| ApiError::internal("no user was invited"))
}

/// The link an invited person opens; the secret is in the fragment, which browsers never send.
fn link(state: &AppState, secret: &RandomSecret) -> String {
    format!("{}/invite#{}", state.settings.public_url, secret.reveal())
}

/// Pending invitations, oldest first (never their links). Needs Accounts.
#[utoipa::path(
    get,
    path = "/api/crest/v1/invites",
    operation_id = "getInvites",
    tag = "Crest",
    summary = "List pending invitations",
    responses(
        (status = 200, description = "Pending invitations", body = ResponseContainerListInvite),
        (status = 403, description = "The caller lacks Accounts", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_invites(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ResponseContainerListInvite>, ApiError> {
    let invites = state
        .store
        .invites()
        .await?
        .into_iter()
        .map(|i| Invite {
            email_address: i.account.to_string(),
            invited_by: i.invited_by,
            created_epoch_millis: i.created_ms,
            expires_epoch_millis: i.expires_ms,
        })
        .collect();
    Ok(Json(ResponseContainerListInvite::ok(invites)))
}

/// Mints the invitation link of a user who has no password yet, valid 24 hours; any earlier link
/// of that user stops working. The link is shown this once. Needs Accounts.
#[utoipa::path(
    post,
    path = "/api/crest/v1/invites/{id}/link",
    operation_id = "createInviteLink",
    tag = "Crest",
    summary = "Mint an invitation link to hand to an invited user",
    params(("id" = String, Path, description = "The invited user's email address")),
    responses(
        (status = 200, description = "The link, shown once", body = ResponseContainerInviteLink),
        (status = 404, description = "No such user", body = StatusEnvelope),
        (status = 409, description = "The user has a password already", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_invite_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerInviteLink>, ApiError> {
    let id = AccountId::parse(&id)?;
    let minted = invite::mint(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        &id,
    )
    .await?;
    let token = minted.secret.reveal().to_owned();
    Ok(Json(ResponseContainerInviteLink::ok(InviteLink {
        email_address: id.to_string(),
        link: link(&state, &minted.secret),
        token,
        expires_epoch_millis: minted.expires_ms,
    })))
}

/// Accepts an invitation with a first password (at least 8 characters). Needs no credential: the
/// link's secret is one. The link works once.
#[utoipa::path(
    post,
    path = "/api/crest/v1/invites/accept",
    operation_id = "acceptInvite",
    tag = "Crest",
    summary = "Accept an invitation and set a first password",
    request_body = AcceptInvite,
    responses(
        (status = 200, description = "The password is set", body = StatusEnvelope),
        (status = 400, description = "A link that is not valid, expired or used; a short password", body = StatusEnvelope)
    )
)]
pub(crate) async fn accept_invite(
    State(state): State<AppState>,
    Source(source): Source,
    ApiJson(body): ApiJson<AcceptInvite>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    let secret = invite::parse_secret(&body.token)?;
    let password = Password::new(&body.password)?;
    let hash = state.passwords.hash(password).await?;
    let account =
        invite::accept(state.store.as_ref(), state.clock.as_ref(), &secret, &hash).await?;
    let who = account.as_str();
    crate::audit::record(&state, who, "acceptInvite", who, &source, 200).await;
    Ok(Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    }))
}
