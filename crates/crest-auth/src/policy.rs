//! Authorization: one table from operation to the permission it needs, checked in one place.

use crest_domain::account::AccountKind;
use crest_domain::permission::Permission;
use crest_domain::principal::Principal;

/// Declares every operation once, one row each:
///
/// ```text
/// /// doc comment
/// Variant => "operationId", requirement, read | write;
/// ```
///
/// - `operationId` is the name the API gives the operation (and so the OpenAPI document's
///   `operationId`); the audit trail records it, so a row's name never changes.
/// - `requirement` is a [`Requirement`], written without its prefix (`Browse(UserManagement)`).
/// - `read`, `write` or `data`: whether the operation changes anything. `write`s are audited;
///   `data` writes (points sent to `/report`) change only time-series data, which the audit trail
///   does not record (it would double every ingestion's cost and bury the account changes it is
///   for), as the product's audit log did not.
///
/// From the rows it generates the enum, [`Operation::ALL`], [`Operation::api_name`],
/// [`Operation::changes_state`] and [`requirement`].
macro_rules! operations {
    ($($(#[$meta:meta])* $variant:ident => $name:literal, $requirement:expr, $effect:ident;)*) => {
        /// Every operation the API serves that needs a caller. The HTTP layer names one for each
        /// route.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($(#[$meta])* $variant,)*
        }

        impl Operation {
            /// Every operation, for tests that walk the table.
            pub const ALL: [Operation; [$($name),*].len()] = [$(Self::$variant),*];

            /// The operation's name in the API (`grantAccountPermission`), as the audit trail
            /// records it.
            pub const fn api_name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// Whether the operation changes anything; those are written to the audit trail.
            pub const fn changes_state(self) -> bool {
                match self {
                    $(Self::$variant => operations!(@changes $effect),)*
                }
            }
        }

        /// The table.
        pub const fn requirement(op: Operation) -> Requirement {
            use Requirement::{Authenticated, Browse, Either, Permission, SuperAdmin};
            use crest_domain::permission::Permission::{
                AgentManagement, AlertsManagement, DashboardManagement, DerivedMetricsManagement, EventsManagement, HostTagManagement, Ingestion, MetricsManagement,
                TokenManagement, UserManagement,
            };
            match op {
                $(Operation::$variant => $requirement,)*
            }
        }
    };
    (@changes read) => { false };
    (@changes write) => { true };
    (@changes data) => { false };
}

operations! {
    /// `GET /api/v2/cluster/info`.
    GetClusterInfo => "getClusterInfo", Authenticated, read;
    /// `GET /api/v2/account`.
    GetAllAccounts => "getAllAccounts", Browse(UserManagement), read;
    /// `GET /api/v2/account/{id}`.
    GetAccount => "getAccount", Browse(UserManagement), read;
    /// `DELETE /api/v2/account/{id}`.
    DeleteAccount => "deleteAccount", Permission(UserManagement), write;
    /// `POST /api/v2/account/{id}/grant/{permission}`.
    GrantAccountPermission => "grantAccountPermission", Permission(UserManagement), write;
    /// `POST /api/v2/account/{id}/revoke/{permission}`.
    RevokeAccountPermission => "revokeAccountPermission", Permission(UserManagement), write;
    /// `GET /api/v2/account/serviceaccount`.
    GetAllServiceAccounts => "getAllServiceAccounts", Browse(UserManagement), read;
    /// `GET /api/v2/account/serviceaccount/{id}`.
    GetServiceAccount => "getServiceAccount", Browse(UserManagement), read;
    /// `POST /api/v2/account/serviceaccount`.
    CreateServiceAccount => "createServiceAccount", Permission(UserManagement), write;
    /// `PUT /api/v2/account/serviceaccount/{id}`.
    UpdateServiceAccount => "updateServiceAccount", Permission(UserManagement), write;
    /// `POST /api/v2/account/serviceaccount/{id}/activate`.
    ActivateAccount => "activateAccount", Permission(UserManagement), write;
    /// `POST /api/v2/account/serviceaccount/{id}/deactivate`.
    DeactivateAccount => "deactivateAccount", Permission(UserManagement), write;
    // Managing every service account's tokens is the Accounts permission.
    /// `GET /api/v2/apitoken/serviceaccount/{id}`.
    GetTokensServiceAccount => "getTokensServiceAccount", Permission(UserManagement), read;
    /// `POST /api/v2/apitoken/serviceaccount/{id}`.
    GenerateTokenServiceAccount => "generateTokenServiceAccount", Permission(UserManagement), write;
    /// `PUT /api/v2/apitoken/serviceaccount/{id}/{token}`.
    UpdateTokenNameServiceAccount => "updateTokenNameServiceAccount", Permission(UserManagement), write;
    /// `DELETE /api/v2/apitoken/serviceaccount/{id}/{token}`.
    DeleteTokenServiceAccount => "deleteTokenServiceAccount", Permission(UserManagement), write;
    /// `GET /api/v2/account/user`.
    GetAllUserAccounts => "getAllUserAccounts", Browse(UserManagement), read;
    /// `GET /api/v2/account/user/{id}`.
    GetUserAccount => "getUserAccount", Browse(UserManagement), read;
    /// `POST /api/v2/account/user`.
    CreateOrUpdateUserAccount => "createOrUpdateUserAccount", Permission(UserManagement), write;
    /// `GET /api/v2/account/user/admin`.
    GetUsersWithAccountsPermission => "getUsersWithAccountsPermission", Browse(UserManagement), read;
    // A caller's own tokens stay manageable without API Tokens (tokens made before that
    // permission existed kept working); making a new one needs it.
    /// `GET /api/v2/apitoken`: the caller's own tokens.
    GetAllTokens => "getAllTokens", Authenticated, read;
    /// `POST /api/v2/apitoken`: a new token for the caller (a user).
    CreateToken => "createToken", Permission(TokenManagement), write;
    /// `PUT /api/v2/apitoken/{id}`: rename one of the caller's tokens.
    UpdateTokenName => "updateTokenName", Authenticated, write;
    /// `DELETE /api/v2/apitoken/{id}`: revoke one of the caller's tokens.
    DeleteToken => "deleteToken", Authenticated, write;
    /// `GET /api/v2/apitoken/customertokens`: every token of the organization.
    GetCustomerTokens => "getCustomerTokens", Permission(UserManagement), read;
    /// `GET /api/v2/apitoken/customertokens/{id}`.
    GetCustomerToken => "getCustomerToken", Permission(UserManagement), read;
    /// `PUT /api/v2/apitoken/customertokens/revoke`: revoke any token of the organization.
    DeleteCustomerToken => "deleteCustomerToken", Permission(UserManagement), write;
    /// `GET /api/v2/role`.
    GetAllRoles => "getAllRoles", Browse(UserManagement), read;
    /// `GET /api/v2/role/{id}`.
    GetRole => "getRole", Browse(UserManagement), read;
    /// `POST /api/v2/role`.
    CreateRole => "createRole", Permission(UserManagement), write;
    /// `PUT /api/v2/role/{id}`.
    UpdateRole => "updateRole", Permission(UserManagement), write;
    /// `DELETE /api/v2/role/{id}`.
    DeleteRole => "deleteRole", Permission(UserManagement), write;
    /// `POST /api/v2/role/{id}/addAssignees`.
    AddAssignees => "addAssignees", Permission(UserManagement), write;
    /// `POST /api/v2/role/{id}/removeAssignees`.
    RemoveAssignees => "removeAssignees", Permission(UserManagement), write;
    /// `POST /api/v2/role/grant/{permission}`.
    GrantPermissionToRoles => "grantPermissionToRoles", Permission(UserManagement), write;
    /// `POST /api/v2/role/revoke/{permission}`.
    RevokePermissionFromRoles => "revokePermissionFromRoles", Permission(UserManagement), write;
    /// `GET /api/v2/usergroup`.
    GetAllUserGroups => "getAllUserGroups", Browse(UserManagement), read;
    /// `GET /api/v2/usergroup/{id}`.
    GetUserGroup => "getUserGroup", Browse(UserManagement), read;
    /// `POST /api/v2/usergroup`.
    CreateUserGroup => "createUserGroup", Permission(UserManagement), write;
    /// `PUT /api/v2/usergroup/{id}`.
    UpdateUserGroup => "updateUserGroup", Permission(UserManagement), write;
    /// `DELETE /api/v2/usergroup/{id}`.
    DeleteUserGroup => "deleteUserGroup", Permission(UserManagement), write;
    /// `POST /api/v2/usergroup/{id}/addUsers`.
    AddUsersToUserGroup => "addUsersToUserGroup", Permission(UserManagement), write;
    /// `POST /api/v2/usergroup/{id}/removeUsers`.
    RemoveUsersFromUserGroup => "removeUsersFromUserGroup", Permission(UserManagement), write;
    /// `POST /api/v2/usergroup/{id}/addRoles`.
    AddRolesToUserGroup => "addRolesToUserGroup", Permission(UserManagement), write;
    /// `POST /api/v2/usergroup/{id}/removeRoles`.
    RemoveRolesFromUserGroup => "removeRolesFromUserGroup", Permission(UserManagement), write;
    /// `GET /api/crest/v1/audit`: the audit trail.
    GetAuditEvents => "getAuditEvents", Permission(UserManagement), read;
    /// `GET /api/v2/user (deprecated User API)`.
    GetAllUsers => "getAllUsers", Browse(UserManagement), read;
    /// `GET /api/v2/user/{id}`.
    GetUser => "getUser", Browse(UserManagement), read;
    /// `POST /api/v2/user`.
    CreateUser => "createUser", Permission(UserManagement), write;
    /// `DELETE /api/v2/user/{id}`.
    DeleteUser => "deleteUser", Permission(UserManagement), write;
    /// `POST /api/v2/user/{id}/grant (form: group=<permission>)`.
    GrantUserPermission => "grantUserPermission", Permission(UserManagement), write;
    /// `POST /api/v2/user/{id}/revoke (form: group=<permission>)`.
    RevokeUserPermission => "revokeUserPermission", Permission(UserManagement), write;
    /// `POST /api/v2/account/deleteAccounts`.
    DeleteMultipleAccounts => "deleteMultipleAccounts", Permission(UserManagement), write;
    /// `POST /api/v2/account/validateAccounts`.
    ValidateAccounts => "validateAccounts", Browse(UserManagement), read;
    /// `POST /api/v2/account/grant/{permission}`.
    GrantPermissionToAccounts => "grantPermissionToAccounts", Permission(UserManagement), write;
    /// `POST /api/v2/account/revoke/{permission}`.
    RevokePermissionFromAccounts => "revokePermissionFromAccounts", Permission(UserManagement), write;
    /// `POST /api/v2/account/{id}/addRoles`.
    AddAccountToRoles => "addAccountToRoles", Permission(UserManagement), write;
    /// `POST /api/v2/account/{id}/removeRoles`.
    RemoveAccountFromRoles => "removeAccountFromRoles", Permission(UserManagement), write;
    /// `POST /api/v2/account/{id}/addUserGroups`.
    AddAccountToUserGroups => "addAccountToUserGroups", Permission(UserManagement), write;
    /// `POST /api/v2/account/{id}/removeUserGroups`.
    RemoveAccountFromUserGroups => "removeAccountFromUserGroups", Permission(UserManagement), write;
    /// `POST /api/v2/search/account`, with its `/facets` and `/{facet}` routes.
    SearchAccountEntities => "searchAccountEntities", Browse(UserManagement), read;
    /// `POST /api/v2/search/serviceaccount`, with its `/facets` and `/{facet}` routes.
    SearchServiceAccountEntities => "searchServiceAccountEntities", Browse(UserManagement), read;
    /// `POST /api/v2/search/user`, with its `/facets` and `/{facet}` routes.
    SearchUserEntities => "searchUserEntities", Browse(UserManagement), read;
    /// `POST /api/v2/search/usergroup`, with its `/facets` and `/{facet}` routes.
    SearchUserGroupEntities => "searchUserGroupEntities", Browse(UserManagement), read;
    /// `POST /api/v2/search/role`, with its `/facets` and `/{facet}` routes.
    SearchRoleEntities => "searchRoleEntities", Browse(UserManagement), read;
    /// `POST /api/v2/search/token`, with its `/facets` and `/{facet}` routes.
    SearchTokenEntities => "searchTokenEntities", Permission(UserManagement), read;
    /// `PUT /api/v2/account/user/{id}` (and `credential`: a password).
    UpdateUserAccount => "updateUserAccount", Permission(UserManagement), write;
    /// `POST /api/v2/account/user/invite`.
    InviteUserAccounts => "inviteUserAccounts", Permission(UserManagement), write;
    /// `GET /api/v2/account/{id}/businessFunctions`.
    GetAccountBusinessFunctions => "getAccountBusinessFunctions", Browse(UserManagement), read;
    /// `PUT /api/v2/user/{id}`.
    UpdateUser => "updateUser", Permission(UserManagement), write;
    /// `POST /api/v2/user/deleteUsers`.
    DeleteMultipleUsers => "deleteMultipleUsers", Permission(UserManagement), write;
    /// `POST /api/v2/user/grant/{permission}`.
    GrantPermissionToUsers => "grantPermissionToUsers", Permission(UserManagement), write;
    /// `POST /api/v2/user/revoke/{permission}`.
    RevokePermissionFromUsers => "revokePermissionFromUsers", Permission(UserManagement), write;
    /// `POST /api/v2/user/invite`.
    InviteUsers => "inviteUsers", Permission(UserManagement), write;
    /// `POST /api/v2/user/validateUsers`.
    ValidateUsers => "validateUsers", Browse(UserManagement), read;
    /// `POST /api/v2/user/{id}/addUserGroups`.
    AddUserToUserGroups => "addUserToUserGroups", Permission(UserManagement), write;
    /// `POST /api/v2/user/{id}/removeUserGroups`.
    RemoveUserFromUserGroups => "removeUserFromUserGroups", Permission(UserManagement), write;
    /// `GET /api/v2/user/{id}/businessFunctions`.
    GetUserBusinessFunctions => "getUserBusinessFunctions", Browse(UserManagement), read;
    /// `GET /api/crest/v1/invites`.
    GetInvites => "getInvites", Permission(UserManagement), read;
    /// `POST /api/crest/v1/invites/{id}/link`.
    CreateInviteLink => "createInviteLink", Permission(UserManagement), write;
    /// `POST /api/crest/v1/password`: the caller's own password.
    ChangeOwnPassword => "changeOwnPassword", Authenticated, write;
    /// `POST /api/logout/{identifier}`: end a user's browser sessions (Super Admins only).
    LogoutUser => "logoutUser", SuperAdmin, write;
    // A signed-in person manages their own session (Super Admin mode is checked by account).
    /// `GET /api/crest/v1/session`: the caller's browser session.
    GetSession => "getSession", Authenticated, read;
    /// `DELETE /api/crest/v1/session`: sign out.
    EndSession => "endSession", Authenticated, write;
    /// `POST /api/crest/v1/session/sign-out-everywhere`: end every session of the caller.
    EndAllSessions => "endAllSessions", Authenticated, write;
    /// `PUT /api/crest/v1/session/super-admin-mode`.
    SetSuperAdminMode => "setSuperAdminMode", Authenticated, write;
    /// `GET /api/crest/v1/csp/apps`.
    GetCspApps => "getCspApps", Permission(UserManagement), read;
    /// `POST /api/crest/v1/csp/apps`.
    CreateCspApp => "createCspApp", Permission(UserManagement), write;
    /// `POST /api/crest/v1/csp/apps/{id}/secret`.
    RegenerateCspAppSecret => "regenerateCspAppSecret", Permission(UserManagement), write;
    /// `DELETE /api/crest/v1/csp/apps/{id}`.
    DeleteCspApp => "deleteCspApp", Permission(UserManagement), write;
    // Organization API tokens are a user's own, with scopes within the user's roles.
    /// `GET /api/crest/v1/csp/tokens`: the caller's own.
    GetCspApiTokens => "getCspApiTokens", Authenticated, read;
    /// `POST /api/crest/v1/csp/tokens`: for the caller.
    CreateCspApiToken => "createCspApiToken", Authenticated, write;
    /// `DELETE /api/crest/v1/csp/tokens/{id}`: one of the caller's.
    RevokeCspApiToken => "revokeCspApiToken", Authenticated, write;
    /// `GET|POST /api/daemon/test`: may this token run a proxy?
    DaemonTest => "daemonTest", Permission(AgentManagement), read;
    // Anyone who can sign in sees integrations and sources, as every user of the product
    // could; cloud integrations are managed with the Proxies permission.
    /// `GET /api/v2/cloudintegration`.
    GetAllCloudIntegration => "getAllCloudIntegration", Authenticated, read;
    /// `GET /api/v2/cloudintegration/{id}`.
    GetCloudIntegration => "getCloudIntegration", Authenticated, read;
    /// `POST /api/v2/cloudintegration`.
    CreateCloudIntegration => "createCloudIntegration", Permission(AgentManagement), write;
    /// `PUT /api/v2/cloudintegration/{id}`.
    UpdateCloudIntegration => "updateCloudIntegration", Permission(AgentManagement), write;
    /// `DELETE /api/v2/cloudintegration/{id}`: to the trash, or for good.
    DeleteCloudIntegration => "deleteCloudIntegration", Permission(AgentManagement), write;
    /// `POST /api/v2/cloudintegration/{id}/undelete`.
    UndeleteCloudIntegration => "undeleteCloudIntegration", Permission(AgentManagement), write;
    /// `POST /api/v2/cloudintegration/{id}/enable`.
    EnableCloudIntegration => "enableCloudIntegration", Permission(AgentManagement), write;
    /// `POST /api/v2/cloudintegration/{id}/disable`.
    DisableCloudIntegration => "disableCloudIntegration", Permission(AgentManagement), write;
    /// `POST /api/v2/cloudintegration/awsExternalId`.
    CreateAwsExternalId => "createAwsExternalId", Permission(AgentManagement), write;
    /// `GET /api/v2/cloudintegration/awsExternalId/{id}`.
    GetAwsExternalId => "getAwsExternalId", Permission(AgentManagement), read;
    /// `DELETE /api/v2/cloudintegration/awsExternalId/{id}`.
    DeleteAwsExternalId => "deleteAwsExternalId", Permission(AgentManagement), write;
    /// `POST /api/v2/search/cloudintegration`, with its `/facets` and `/{facet}` routes.
    SearchCloudIntegrationEntities => "searchCloudIntegrationEntities", Authenticated, read;
    /// `POST /api/v2/search/cloudintegration/deleted`, with its `/facets` and `/{facet}` routes.
    SearchCloudIntegrationDeletedEntities => "searchCloudIntegrationDeletedEntities", Authenticated, read;
    /// `GET /api/v2/source` (cursor-paged).
    GetAllSource => "getAllSource", Authenticated, read;
    /// `GET /api/v2/source/{id}`.
    GetSource => "getSource", Authenticated, read;
    /// `POST /api/v2/source`.
    CreateSource => "createSource", Permission(HostTagManagement), write;
    /// `PUT /api/v2/source/{id}`.
    UpdateSource => "updateSource", Permission(HostTagManagement), write;
    /// `DELETE /api/v2/source/{id}`.
    DeleteSource => "deleteSource", Permission(HostTagManagement), write;
    /// `POST /api/v2/source/{id}/description`.
    SetDescription => "setDescription", Permission(HostTagManagement), write;
    /// `DELETE /api/v2/source/{id}/description`.
    RemoveDescription => "removeDescription", Permission(HostTagManagement), write;
    /// `GET /api/v2/source/{id}/tag`.
    GetSourceTags => "getSourceTags", Authenticated, read;
    /// `POST /api/v2/source/{id}/tag`: replaces every tag.
    SetSourceTags => "setSourceTags", Permission(HostTagManagement), write;
    /// `PUT /api/v2/source/{id}/tag/{tagValue}`.
    AddSourceTag => "addSourceTag", Permission(HostTagManagement), write;
    /// `DELETE /api/v2/source/{id}/tag/{tagValue}`.
    RemoveSourceTag => "removeSourceTag", Permission(HostTagManagement), write;
    /// `POST /api/v2/search/source`, with its `/facets` and `/{facet}` routes.
    SearchTaggedSourceEntities => "searchTaggedSourceEntities", Authenticated, read;
    // Events: every caller reads them (they mark every chart); changing user events and any
    // event's tags needs Events.
    /// `GET /api/v2/event`: by start time, newest first, cursor-paged.
    GetAllEventsWithTimeRange => "getAllEventsWithTimeRange", Authenticated, read;
    /// `POST /api/v2/event` (one event, or several as NDJSON, as the SDKs send them).
    CreateEvent => "createEvent", Permission(EventsManagement), write;
    /// `GET /api/v2/event/{id}`.
    GetEvent => "getEvent", Authenticated, read;
    /// `PUT /api/v2/event/{id}`: user events only.
    UpdateUserEvent => "updateUserEvent", Permission(EventsManagement), write;
    /// `DELETE /api/v2/event/{id}`: user events only.
    DeleteUserEvent => "deleteUserEvent", Permission(EventsManagement), write;
    /// `POST /api/v2/event/{id}/close`: user events only.
    CloseUserEvent => "closeUserEvent", Permission(EventsManagement), write;
    /// `GET /api/v2/event/{id}/tag`.
    GetEventTags => "getEventTags", Authenticated, read;
    /// `POST /api/v2/event/{id}/tag`: replaces every tag.
    SetEventTags => "setEventTags", Permission(EventsManagement), write;
    /// `PUT /api/v2/event/{id}/tag/{tagValue}`.
    AddEventTag => "addEventTag", Permission(EventsManagement), write;
    /// `DELETE /api/v2/event/{id}/tag/{tagValue}`.
    RemoveEventTag => "removeEventTag", Permission(EventsManagement), write;
    /// `GET /api/v2/event/alertFirings`: one alert's firing events.
    GetAlertFiringEvents => "getAlertFiringEvents", Authenticated, read;
    /// `GET /api/v2/event/{id}/alertFiringDetails`.
    GetAlertFiringDetails => "getAlertFiringDetails", Authenticated, read;
    /// `GET /api/v2/event/{id}/alertQueriesSlug`.
    GetAlertEventQueriesSlug => "getAlertEventQueriesSlug", Authenticated, read;
    /// `GET /api/v2/event/{id}/events`: the events near one.
    GetRelatedEventsWithTimeSpan => "getRelatedEventsWithTimeSpan", Authenticated, read;
    /// `POST /api/v2/search/event`, with its `/facets` and `/{facet}` routes.
    SearchReportEventEntities => "searchReportEventEntities", Authenticated, read;
    /// `POST /api/v2/search/event/related/{eventId}`: the events related to one.
    SearchRelatedReportEventEntities => "searchRelatedReportEventEntities", Authenticated, read;
    /// `POST /api/v2/search/event/related/{eventId}/withAnomalies`: the same, as events or
    /// anomalies.
    SearchRelatedReportEventAnomalyEntities => "searchRelatedReportEventAnomalyEntities", Authenticated, read;
    /// `POST /report`: points, distributions, source tags and events in the Wavefront data formats.
    Report => "report", Permission(Ingestion), data;
    // The ingestion spy needs Direct Data Ingestion, as the product documents.
    /// `GET /api/spy/points`: a sampled live stream of the points acknowledged.
    SpyOnPoints => "spyOnPoints", Permission(Ingestion), read;
    /// `GET /api/spy/deltas`: the same, of delta counters.
    SpyOnDeltaCounters => "spyOnDeltaCounters", Permission(Ingestion), read;
    /// `GET /api/spy/histograms`: the same, of distributions.
    SpyOnHistograms => "spyOnHistograms", Permission(Ingestion), read;
    /// `GET /api/spy/spans`: the same, of spans.
    SpyOnSpans => "spyOnSpans", Permission(Ingestion), read;
    /// `GET /api/spy/ids`: names (metrics, sources, point tags) seen for the first time.
    SpyOnIdCreations => "spyOnIdCreations", Permission(Ingestion), read;
    // Alerts and maintenance windows: every caller reads those the alerts' ACLs admit; changes
    // need Alerts (the ACLs may restrict them further).
    /// `GET /api/v2/alert`: the alerts the caller's ACLs admit.
    GetAllAlert => "getAllAlert", Authenticated, read;
    /// `POST /api/v2/alert`.
    CreateAlert => "createAlert", Permission(AlertsManagement), write;
    /// `GET /api/v2/alert/{id}`.
    GetAlert => "getAlert", Authenticated, read;
    /// `PUT /api/v2/alert/{id}`.
    UpdateAlert => "updateAlert", Permission(AlertsManagement), write;
    /// `DELETE /api/v2/alert/{id}`.
    DeleteAlert => "deleteAlert", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/{id}/undelete`.
    UndeleteAlert => "undeleteAlert", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/{id}/clone`.
    CloneAlert => "cloneAlert", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/{id}/snooze`.
    SnoozeAlert => "snoozeAlert", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/{id}/unsnooze`.
    UnsnoozeAlert => "unsnoozeAlert", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/{id}/uninstall`: integration alerts only.
    HideAlert => "hideAlert", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/{id}/install`: integration alerts only.
    UnhideAlert => "unhideAlert", Permission(AlertsManagement), write;
    /// `GET /api/v2/alert/{id}/history`.
    GetAlertHistory => "getAlertHistory", Authenticated, read;
    /// `GET /api/v2/alert/{id}/history/{version}`.
    GetAlertVersion => "getAlertVersion", Authenticated, read;
    /// `GET /api/v2/alert/{id}/tag`.
    GetAlertTags => "getAlertTags", Authenticated, read;
    /// `POST /api/v2/alert/{id}/tag`: replaces every tag.
    SetAlertTags => "setAlertTags", Permission(AlertsManagement), write;
    /// `PUT /api/v2/alert/{id}/tag/{tagValue}`.
    AddAlertTag => "addAlertTag", Permission(AlertsManagement), write;
    /// `DELETE /api/v2/alert/{id}/tag/{tagValue}`.
    RemoveAlertTag => "removeAlertTag", Permission(AlertsManagement), write;
    /// `GET /api/v2/alert/acl?id=`.
    GetAlertAccessControlList => "getAlertAccessControlList", Authenticated, read;
    /// `POST /api/v2/alert/acl/add`.
    AddAlertAccess => "addAlertAccess", Permission(AlertsManagement), write;
    /// `POST /api/v2/alert/acl/remove`.
    RemoveAlertAccess => "removeAlertAccess", Permission(AlertsManagement), write;
    /// `PUT /api/v2/alert/acl/set`.
    SetAlertAcl => "setAlertAcl", Permission(AlertsManagement), write;
    /// `GET /api/v2/alert/summary`.
    GetAlertsSummary => "getAlertsSummary", Authenticated, read;
    /// `POST /api/v2/alert/checkQuery`: changes nothing.
    CheckQueryType => "checkQueryType", Authenticated, read;
    /// `POST /api/v2/alert/preview`: changes nothing.
    PreviewAlertNotification => "previewAlertNotification", Authenticated, read;
    /// `POST /api/v2/search/alert`, with its `/facets` and `/{facet}` routes.
    SearchAlertEntities => "searchAlertEntities", Authenticated, read;
    /// `POST /api/v2/search/alert/deleted`, with its `/facets` and `/{facet}` routes.
    SearchAlertDeletedEntities => "searchAlertDeletedEntities", Authenticated, read;
    // Derived metrics: every caller reads them; changes need Derived Metrics.
    /// `GET /api/v2/derivedmetric`.
    GetAllDerivedMetrics => "getAllDerivedMetrics", Authenticated, read;
    /// `POST /api/v2/derivedmetric`.
    CreateDerivedMetric => "createDerivedMetric", Permission(DerivedMetricsManagement), write;
    /// `GET /api/v2/derivedmetric/{id}`.
    GetDerivedMetric => "getDerivedMetric", Authenticated, read;
    /// `PUT /api/v2/derivedmetric/{id}`.
    UpdateDerivedMetric => "updateDerivedMetric", Permission(DerivedMetricsManagement), write;
    /// `DELETE /api/v2/derivedmetric/{id}`.
    DeleteDerivedMetric => "deleteDerivedMetric", Permission(DerivedMetricsManagement), write;
    /// `POST /api/v2/derivedmetric/{id}/undelete`.
    UndeleteDerivedMetric => "undeleteDerivedMetric", Permission(DerivedMetricsManagement), write;
    /// `GET /api/v2/derivedmetric/{id}/history`.
    GetDerivedMetricHistory => "getDerivedMetricHistory", Authenticated, read;
    /// `GET /api/v2/derivedmetric/{id}/history/{version}`.
    GetDerivedMetricByVersion => "getDerivedMetricByVersion", Authenticated, read;
    /// `GET /api/v2/derivedmetric/{id}/tag`.
    GetDerivedMetricTags => "getDerivedMetricTags", Authenticated, read;
    /// `POST /api/v2/derivedmetric/{id}/tag`.
    SetDerivedMetricTags => "setDerivedMetricTags", Permission(DerivedMetricsManagement), write;
    /// `PUT /api/v2/derivedmetric/{id}/tag/{tagValue}`.
    AddTagToDerivedMetric => "addTagToDerivedMetric", Permission(DerivedMetricsManagement), write;
    /// `DELETE /api/v2/derivedmetric/{id}/tag/{tagValue}`.
    RemoveTagFromDerivedMetric => "removeTagFromDerivedMetric", Permission(DerivedMetricsManagement), write;
    /// `POST /api/v2/search/derivedmetric`, with its `/facets` and `/{facet}` routes.
    SearchRegisteredQueryEntities => "searchRegisteredQueryEntities", Authenticated, read;
    /// `POST /api/v2/search/derivedmetric/deleted`, with its `/facets` and `/{facet}` routes.
    SearchRegisteredQueryDeletedEntities => "searchRegisteredQueryDeletedEntities", Authenticated, read;
    /// `GET /api/v2/maintenancewindow`.
    GetAllMaintenanceWindow => "getAllMaintenanceWindow", Authenticated, read;
    /// `POST /api/v2/maintenancewindow`.
    CreateMaintenanceWindow => "createMaintenanceWindow", Permission(AlertsManagement), write;
    /// `GET /api/v2/maintenancewindow/{id}`.
    GetMaintenanceWindow => "getMaintenanceWindow", Authenticated, read;
    /// `PUT /api/v2/maintenancewindow/{id}`.
    UpdateMaintenanceWindow => "updateMaintenanceWindow", Permission(AlertsManagement), write;
    /// `DELETE /api/v2/maintenancewindow/{id}`: no trash.
    DeleteMaintenanceWindow => "deleteMaintenanceWindow", Permission(AlertsManagement), write;
    /// `POST /api/v2/search/maintenancewindow`, with its `/facets` and `/{facet}` routes.
    SearchMaintenanceWindowEntities => "searchMaintenanceWindowEntities", Authenticated, read;
    // Dashboards: every caller reads those the dashboards' ACLs admit and marks their own
    // favorites; changes need Dashboards (the ACLs may restrict them further).
    /// `GET /api/v2/dashboard`: the dashboards the caller's ACLs admit.
    GetAllDashboard => "getAllDashboard", Authenticated, read;
    /// `POST /api/v2/dashboard`.
    CreateDashboard => "createDashboard", Permission(DashboardManagement), write;
    /// `GET /api/v2/dashboard/{id}`.
    GetDashboard => "getDashboard", Authenticated, read;
    /// `PUT /api/v2/dashboard/{id}`.
    UpdateDashboard => "updateDashboard", Permission(DashboardManagement), write;
    /// `DELETE /api/v2/dashboard/{id}`.
    DeleteDashboard => "deleteDashboard", Permission(DashboardManagement), write;
    /// `POST /api/v2/dashboard/{id}/undelete`.
    UndeleteDashboard => "undeleteDashboard", Permission(DashboardManagement), write;
    /// `POST /api/v2/dashboard/{id}/favorite`: the caller's own mark.
    FavoriteDashboard => "favoriteDashboard", Authenticated, write;
    /// `POST /api/v2/dashboard/{id}/unfavorite`: the caller's own mark.
    UnfavoriteDashboard => "unfavoriteDashboard", Authenticated, write;
    /// `GET /api/v2/dashboard/{id}/history`.
    GetDashboardHistory => "getDashboardHistory", Authenticated, read;
    /// `GET /api/v2/dashboard/{id}/history/{version}`.
    GetDashboardVersion => "getDashboardVersion", Authenticated, read;
    /// `GET /api/v2/dashboard/{id}/tag`.
    GetDashboardTags => "getDashboardTags", Authenticated, read;
    /// `POST /api/v2/dashboard/{id}/tag`: replaces every tag.
    SetDashboardTags => "setDashboardTags", Permission(DashboardManagement), write;
    /// `PUT /api/v2/dashboard/{id}/tag/{tagValue}`.
    AddDashboardTag => "addDashboardTag", Permission(DashboardManagement), write;
    /// `DELETE /api/v2/dashboard/{id}/tag/{tagValue}`.
    RemoveDashboardTag => "removeDashboardTag", Permission(DashboardManagement), write;
    /// `GET /api/v2/dashboard/acl?id=`.
    GetDashboardAccessControlList => "getDashboardAccessControlList", Authenticated, read;
    /// `POST /api/v2/dashboard/acl/add`.
    AddDashboardAccess => "addDashboardAccess", Permission(DashboardManagement), write;
    /// `POST /api/v2/dashboard/acl/remove`.
    RemoveDashboardAccess => "removeDashboardAccess", Permission(DashboardManagement), write;
    /// `PUT /api/v2/dashboard/acl/set`.
    SetDashboardAcl => "setDashboardAcl", Permission(DashboardManagement), write;
    /// `POST /api/v2/search/dashboard`, with its `/facets` and `/{facet}` routes.
    SearchDashboardEntities => "searchDashboardEntities", Authenticated, read;
    /// `POST /api/v2/search/dashboard/deleted`, with its `/facets` and `/{facet}` routes.
    SearchDashboardDeletedEntities => "searchDashboardDeletedEntities", Authenticated, read;
    // Proxies: the Proxy API needs Proxies for reads too, as the Proxies Browser does.
    /// `GET /api/v2/proxy`.
    GetAllProxy => "getAllProxy", Permission(AgentManagement), read;
    /// `GET /api/v2/proxy/{id}`.
    GetProxy => "getProxy", Permission(AgentManagement), read;
    /// `PUT /api/v2/proxy/{id}`: rename, remote shutdown, remote truncate.
    UpdateProxy => "updateProxy", Permission(AgentManagement), write;
    /// `DELETE /api/v2/proxy/{id}`.
    DeleteProxy => "deleteProxy", Permission(AgentManagement), write;
    /// `POST /api/v2/proxy/{id}/undelete`.
    UndeleteProxy => "undeleteProxy", Permission(AgentManagement), write;
    /// `GET /api/v2/proxy/{id}/config`.
    GetProxyConfig => "getProxyConfig", Permission(AgentManagement), read;
    /// `GET /api/v2/proxy/{id}/preprocessorRules`.
    GetProxyPreprocessorRules => "getProxyPreprocessorRules", Permission(AgentManagement), read;
    /// `POST /api/v2/search/proxy`, with its `/facets` and `/{facet}` routes.
    SearchProxyEntities => "searchProxyEntities", Permission(AgentManagement), read;
    /// `POST /api/v2/search/proxy/deleted`, with its `/facets` and `/{facet}` routes.
    SearchProxyDeletedEntities => "searchProxyDeletedEntities", Permission(AgentManagement), read;
    // The proxy protocol (`/api/v2/wfproxy/…`): machine traffic every minute per proxy, not
    // audited (`data`). Check-in and the proxy's own bookkeeping need Proxies (the proxy aborts
    // on 401/403 at its first check-in); its data needs Direct Data Ingestion or Proxies.
    /// `POST /api/v2/wfproxy/checkin`.
    ProxyCheckin => "proxyCheckin", Permission(AgentManagement), data;
    /// `POST /api/v2/wfproxy/config/processed`.
    ProxyConfigProcessed => "proxyConfigProcessed", Permission(AgentManagement), data;
    /// `POST /api/v2/wfproxy/saveConfig`.
    ProxySaveConfig => "proxySaveConfig", Permission(AgentManagement), data;
    /// `POST /api/v2/wfproxy/savePreprocessorRules`.
    ProxySavePreprocessorRules => "proxySavePreprocessorRules", Permission(AgentManagement), data;
    /// `POST /api/v2/wfproxy/error`.
    ProxyError => "proxyError", Permission(AgentManagement), data;
    /// `POST /api/v2/wfproxy/report?format=`: the proxy's batches of lines.
    ProxyReport => "proxyReport", Either(Ingestion, AgentManagement), data;
    /// `POST /api/v2/wfproxy/event`: the proxy's batches of events.
    ProxyEvents => "proxyEvents", Either(Ingestion, AgentManagement), data;
    // Alert targets: reads are open to every caller, writes need Alerts (the Webhook API is
    // the legacy alias of the Notificant API, for WEBHOOK targets).
    /// `GET /api/v2/notificant`.
    GetAllNotificants => "getAllNotificants", Authenticated, read;
    /// `POST /api/v2/notificant`.
    CreateNotificant => "createNotificant", Permission(AlertsManagement), write;
    /// `GET /api/v2/notificant/{id}`.
    GetNotificant => "getNotificant", Authenticated, read;
    /// `PUT /api/v2/notificant/{id}`.
    UpdateNotificant => "updateNotificant", Permission(AlertsManagement), write;
    /// `DELETE /api/v2/notificant/{id}`.
    DeleteNotificant => "deleteNotificant", Permission(AlertsManagement), write;
    /// `POST /api/v2/notificant/test/{id}`: sends a test notification.
    TestNotificant => "testNotificant", Permission(AlertsManagement), write;
    /// `GET /api/v2/webhook`.
    GetAllWebhooks => "getAllWebhooks", Authenticated, read;
    /// `POST /api/v2/webhook`.
    CreateWebhook => "createWebhook", Permission(AlertsManagement), write;
    /// `GET /api/v2/webhook/{id}`.
    GetWebhook => "getWebhook", Authenticated, read;
    /// `PUT /api/v2/webhook/{id}`.
    UpdateWebhook => "updateWebhook", Permission(AlertsManagement), write;
    /// `DELETE /api/v2/webhook/{id}`.
    DeleteWebhook => "deleteWebhook", Permission(AlertsManagement), write;
    /// `POST /api/v2/search/notificant`, with its `/facets` and `/{facet}` routes.
    SearchNotificantEntities => "searchNotificantEntities", Authenticated, read;
    /// `POST /api/v2/search/webhook`, with its `/facets` and `/{facet}` routes.
    SearchWebHookEntities => "searchWebHookEntities", Authenticated, read;
    // Queries need Metrics when a service account makes them, as the product documents.
    /// `GET /api/v2/chart/api`: a WQL query over a window.
    QueryApi => "queryApi", Browse(MetricsManagement), read;
    /// `GET /api/v2/chart/raw`: the points one series reported, one per second.
    QueryRaw => "queryRaw", Browse(MetricsManagement), read;
    /// `GET /api/v2/chart/metric/detail`: the sources reporting a metric.
    GetMetricDetails => "getMetricDetails", Browse(MetricsManagement), read;
}

/// What a principal needs for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any authenticated caller.
    Authenticated,
    /// Reading what the product lets every user browse: user accounts may; service accounts only
    /// when they hold the permission that governs the data (their default is no browsing).
    Browse(Permission),
    /// The caller must hold this permission.
    Permission(Permission),
    /// The caller must hold one of these permissions.
    Either(Permission, Permission),
    /// The caller must be a Super Admin (whose API tokens carry Super Admin mode).
    SuperAdmin,
}

impl Operation {
    /// Path parameters that may hold a token's secret (tokens are named by public id or secret),
    /// and so never reach the audit trail.
    pub const fn secret_bearing_params(self) -> &'static [&'static str] {
        match self {
            Operation::UpdateTokenName | Operation::DeleteToken | Operation::GetCustomerToken => {
                &["id", "token"]
            }
            _ => &["token"],
        }
    }
}

/// Proof that a principal may run one operation; handlers receive this, never a bare principal.
#[derive(Debug, Clone)]
pub struct Authorized {
    principal: Principal,
    operation: Operation,
}

impl Authorized {
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn operation(&self) -> Operation {
        self.operation
    }
}

/// The principal lacks what the operation needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{account} lacks the {needed} permission")]
pub struct Denied {
    pub account: String,
    pub needed: &'static str,
}

/// The one check.
pub fn authorize(principal: Principal, operation: Operation) -> Result<Authorized, Denied> {
    let allowed = match requirement(operation) {
        Requirement::Authenticated => true,
        Requirement::Browse(p) => principal.kind == AccountKind::User || principal.has(p),
        Requirement::Permission(p) => principal.has(p),
        Requirement::Either(a, b) => principal.has(a) || principal.has(b),
        Requirement::SuperAdmin => principal.super_admin,
    };
    if allowed {
        Ok(Authorized {
            principal,
            operation,
        })
    } else {
        let needed = match requirement(operation) {
            Requirement::Browse(p) | Requirement::Permission(p) => p.product_name(),
            // The first is the one a data sender is expected to hold.
            Requirement::Either(a, _) => a.product_name(),
            Requirement::Authenticated => "authenticated",
            Requirement::SuperAdmin => "Super Admin",
        };
        Err(Denied {
            account: principal.account.to_string(),
            needed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_domain::account::AccountId;
    use crest_domain::permission::PermissionSet;
    use proptest::prelude::*;

    const OPS: [Operation; 240] = Operation::ALL;

    fn principal(kind: AccountKind, permissions: PermissionSet) -> Principal {
        Principal {
            account: AccountId::from_trusted("someone@example.com".into()),
            kind,
            permissions,
            super_admin: false,
            super_admin_mode_off: false,
            token: None,
        }
    }

    proptest! {
        /// A small model of the rules: the server's check agrees with it for every principal.
        #[test]
        fn authorize_matches_the_model(bits in proptest::collection::vec(any::<bool>(), 17),
                                       user in any::<bool>(), op in 0usize..OPS.len()) {
            let perms: PermissionSet = Permission::ALL.iter().zip(&bits)
                .filter(|(_, b)| **b).map(|(p, _)| *p).collect();
            let kind = if user { AccountKind::User } else { AccountKind::ServiceAccount };
            let op = OPS[op];
            let accounts = perms.contains(Permission::UserManagement);
            let expected = match op {
                Operation::GetClusterInfo
                | Operation::GetAllTokens
                | Operation::UpdateTokenName
                | Operation::DeleteToken
                | Operation::ChangeOwnPassword
                | Operation::GetSession
                | Operation::EndSession
                | Operation::EndAllSessions
                | Operation::SetSuperAdminMode
                | Operation::GetCspApiTokens
                | Operation::CreateCspApiToken
                | Operation::RevokeCspApiToken
                | Operation::GetAllCloudIntegration
                | Operation::GetCloudIntegration
                | Operation::SearchCloudIntegrationEntities
                | Operation::SearchCloudIntegrationDeletedEntities
                | Operation::GetAllSource
                | Operation::GetSource
                | Operation::GetSourceTags
                | Operation::SearchTaggedSourceEntities
                | Operation::GetAllEventsWithTimeRange
                | Operation::GetEvent
                | Operation::GetEventTags
                | Operation::GetAlertFiringEvents
                | Operation::GetAlertFiringDetails
                | Operation::GetAlertEventQueriesSlug
                | Operation::GetRelatedEventsWithTimeSpan
                | Operation::SearchReportEventEntities
                | Operation::SearchRelatedReportEventEntities
                | Operation::SearchRelatedReportEventAnomalyEntities
                | Operation::GetAllAlert
                | Operation::GetAlert
                | Operation::GetAlertHistory
                | Operation::GetAlertVersion
                | Operation::GetAlertTags
                | Operation::GetAlertAccessControlList
                | Operation::GetAlertsSummary
                | Operation::CheckQueryType
                | Operation::PreviewAlertNotification
                | Operation::SearchAlertEntities
                | Operation::SearchAlertDeletedEntities
                | Operation::GetAllMaintenanceWindow
                | Operation::GetMaintenanceWindow
                | Operation::SearchMaintenanceWindowEntities
                | Operation::GetAllNotificants
                | Operation::GetNotificant
                | Operation::GetAllWebhooks
                | Operation::GetWebhook
                | Operation::SearchNotificantEntities
                | Operation::SearchWebHookEntities
                | Operation::GetAllDashboard
                | Operation::GetDashboard
                | Operation::FavoriteDashboard
                | Operation::UnfavoriteDashboard
                | Operation::GetDashboardHistory
                | Operation::GetDashboardVersion
                | Operation::GetDashboardTags
                | Operation::GetDashboardAccessControlList
                | Operation::SearchDashboardEntities
                | Operation::SearchDashboardDeletedEntities => true,
                Operation::CreateDashboard
                | Operation::UpdateDashboard
                | Operation::DeleteDashboard
                | Operation::UndeleteDashboard
                | Operation::SetDashboardTags
                | Operation::AddDashboardTag
                | Operation::RemoveDashboardTag
                | Operation::AddDashboardAccess
                | Operation::RemoveDashboardAccess
                | Operation::SetDashboardAcl => perms.contains(Permission::DashboardManagement),
                Operation::GetAllDerivedMetrics
                | Operation::GetDerivedMetric
                | Operation::GetDerivedMetricHistory
                | Operation::GetDerivedMetricByVersion
                | Operation::GetDerivedMetricTags
                | Operation::SearchRegisteredQueryEntities
                | Operation::SearchRegisteredQueryDeletedEntities => true,
                Operation::CreateDerivedMetric
                | Operation::UpdateDerivedMetric
                | Operation::DeleteDerivedMetric
                | Operation::UndeleteDerivedMetric
                | Operation::SetDerivedMetricTags
                | Operation::AddTagToDerivedMetric
                | Operation::RemoveTagFromDerivedMetric => {
                    perms.contains(Permission::DerivedMetricsManagement)
                }
                Operation::CreateAlert
                | Operation::UpdateAlert
                | Operation::DeleteAlert
                | Operation::UndeleteAlert
                | Operation::CloneAlert
                | Operation::SnoozeAlert
                | Operation::UnsnoozeAlert
                | Operation::HideAlert
                | Operation::UnhideAlert
                | Operation::SetAlertTags
                | Operation::AddAlertTag
                | Operation::RemoveAlertTag
                | Operation::AddAlertAccess
                | Operation::RemoveAlertAccess
                | Operation::SetAlertAcl
                | Operation::CreateMaintenanceWindow
                | Operation::UpdateMaintenanceWindow
                | Operation::DeleteMaintenanceWindow
                | Operation::CreateNotificant
                | Operation::UpdateNotificant
                | Operation::DeleteNotificant
                | Operation::TestNotificant
                | Operation::CreateWebhook
                | Operation::UpdateWebhook
                | Operation::DeleteWebhook => perms.contains(Permission::AlertsManagement),
                Operation::CreateEvent
                | Operation::UpdateUserEvent
                | Operation::DeleteUserEvent
                | Operation::CloseUserEvent
                | Operation::SetEventTags
                | Operation::AddEventTag
                | Operation::RemoveEventTag => perms.contains(Permission::EventsManagement),
                Operation::CreateToken => perms.contains(Permission::TokenManagement),
                Operation::GetAllAccounts
                | Operation::GetAccount
                | Operation::GetAllServiceAccounts
                | Operation::GetServiceAccount
                | Operation::GetAllUserAccounts
                | Operation::GetUserAccount
                | Operation::GetUsersWithAccountsPermission
                | Operation::GetAllRoles
                | Operation::GetRole
                | Operation::GetAllUserGroups
                | Operation::GetUserGroup
                | Operation::GetAllUsers
                | Operation::GetUser
                | Operation::ValidateAccounts
                | Operation::SearchAccountEntities
                | Operation::SearchServiceAccountEntities
                | Operation::SearchUserEntities
                | Operation::SearchUserGroupEntities
                | Operation::SearchRoleEntities
                | Operation::GetAccountBusinessFunctions
                | Operation::ValidateUsers
                | Operation::GetUserBusinessFunctions => user || accounts,
                Operation::GetAuditEvents => accounts,
                Operation::DaemonTest
                | Operation::CreateCloudIntegration
                | Operation::UpdateCloudIntegration
                | Operation::DeleteCloudIntegration
                | Operation::UndeleteCloudIntegration
                | Operation::EnableCloudIntegration
                | Operation::DisableCloudIntegration
                | Operation::CreateAwsExternalId
                | Operation::GetAwsExternalId
                | Operation::DeleteAwsExternalId
                | Operation::GetAllProxy
                | Operation::GetProxy
                | Operation::UpdateProxy
                | Operation::DeleteProxy
                | Operation::UndeleteProxy
                | Operation::GetProxyConfig
                | Operation::GetProxyPreprocessorRules
                | Operation::SearchProxyEntities
                | Operation::SearchProxyDeletedEntities
                | Operation::ProxyCheckin
                | Operation::ProxyConfigProcessed
                | Operation::ProxySaveConfig
                | Operation::ProxySavePreprocessorRules
                | Operation::ProxyError => perms.contains(Permission::AgentManagement),
                Operation::ProxyReport | Operation::ProxyEvents => {
                    perms.contains(Permission::Ingestion)
                        || perms.contains(Permission::AgentManagement)
                }
                Operation::CreateSource
                | Operation::UpdateSource
                | Operation::DeleteSource
                | Operation::SetDescription
                | Operation::RemoveDescription
                | Operation::SetSourceTags
                | Operation::AddSourceTag
                | Operation::RemoveSourceTag => perms.contains(Permission::HostTagManagement),
                Operation::Report
                | Operation::SpyOnPoints
                | Operation::SpyOnDeltaCounters
                | Operation::SpyOnHistograms
                | Operation::SpyOnSpans
                | Operation::SpyOnIdCreations => perms.contains(Permission::Ingestion),
                Operation::QueryApi | Operation::QueryRaw | Operation::GetMetricDetails => {
                    user || perms.contains(Permission::MetricsManagement)
                }
                Operation::LogoutUser => false,
                _ => accounts,
            };
            prop_assert_eq!(authorize(principal(kind, perms), op).is_ok(), expected);
        }
    }

    /// The audit trail has recorded `api_name` since it was derived from the variant's name: the
    /// table's explicit names keep every recorded value, and name each operation once.
    #[test]
    fn api_names_are_the_variants_in_lower_camel_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for op in OPS {
            let debug = format!("{op:?}");
            let expected = debug[..1].to_ascii_lowercase() + &debug[1..];
            assert_eq!(op.api_name(), expected);
            assert!(seen.insert(op.api_name()), "{op:?} is named twice");
        }
    }

    #[test]
    fn every_permission_satisfies_everything_but_super_admin_operations() {
        for op in OPS {
            let all = principal(AccountKind::ServiceAccount, PermissionSet::all());
            assert_eq!(
                authorize(all, op).is_ok(),
                requirement(op) != Requirement::SuperAdmin,
                "{op:?}"
            );
            let super_admin = Principal {
                super_admin: true,
                super_admin_mode_off: false,
                ..principal(AccountKind::User, PermissionSet::all())
            };
            assert!(authorize(super_admin, op).is_ok(), "{op:?}");
        }
    }
}
