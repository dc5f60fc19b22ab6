//! Roles and groups: permissions add up through them, no path escalates, system groups hold.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call};

async fn ok(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, body) = call(app, method, path, body).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn united(app: &TestApp, sa: &str) -> Vec<String> {
    let body = ok(
        app,
        Method::GET,
        &format!("/api/v2/account/serviceaccount/{sa}"),
        None,
    )
    .await;
    serde_json::from_value(body["response"]["unitedPermissions"].clone()).expect("a list")
}

#[tokio::test]
async fn permissions_add_up_through_roles_and_groups() {
    let app = TestApp::spawn().await;
    ok(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::m"})),
    )
    .await;
    let direct = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "direct", "permissions": ["alerts_management"]})),
    )
    .await;
    let direct = direct["response"]["id"].as_str().expect("id").to_owned();
    let via = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "via", "permissions": ["events_management"]})),
    )
    .await;
    let via = via["response"]["id"].as_str().expect("id").to_owned();
    let group = ok(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "ops", "roleIDs": [via]})),
    )
    .await;
    assert_eq!(group["response"]["roles"][0]["name"], "via");
    let group = group["response"]["id"].as_str().expect("id").to_owned();

    ok(
        &app,
        Method::POST,
        &format!("/api/v2/role/{direct}/addAssignees"),
        Some(json!(["sa::m"])),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v2/usergroup/{group}/addUsers"),
        Some(json!(["sa::m"])),
    )
    .await;
    let perms = united(&app, "sa::m").await;
    assert!(
        perms.contains(&"alerts_management".into()) && perms.contains(&"events_management".into())
    );
    let sa = ok(
        &app,
        Method::GET,
        "/api/v2/account/serviceaccount/sa::m",
        None,
    )
    .await;
    assert_eq!(sa["response"]["roles"][0]["id"], direct.as_str());
    let account = ok(&app, Method::GET, "/api/v2/account/sa::m", None).await;
    assert_eq!(
        account["response"]["unitedRoles"].as_array().map(Vec::len),
        Some(2)
    );

    // A role's permissions change for everyone who holds it, at once.
    ok(
        &app,
        Method::POST,
        "/api/v2/role/grant/dashboard_management",
        Some(json!([via])),
    )
    .await;
    assert!(
        united(&app, "sa::m")
            .await
            .contains(&"dashboard_management".into())
    );
    ok(
        &app,
        Method::POST,
        "/api/v2/role/revoke/dashboard_management",
        Some(json!([via])),
    )
    .await;

    ok(
        &app,
        Method::POST,
        &format!("/api/v2/usergroup/{group}/removeUsers"),
        Some(json!(["sa::m"])),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v2/role/{direct}/removeAssignees"),
        Some(json!(["sa::m"])),
    )
    .await;
    assert!(united(&app, "sa::m").await.is_empty());

    let role = ok(&app, Method::GET, &format!("/api/v2/role/{via}"), None).await;
    assert_eq!(role["response"]["linkedGroupsCount"], 1);
    ok(
        &app,
        Method::DELETE,
        &format!("/api/v2/usergroup/{group}"),
        None,
    )
    .await;
    ok(
        &app,
        Method::DELETE,
        &format!("/api/v2/role/{direct}"),
        None,
    )
    .await;
    let (status, _) = call(&app, Method::GET, &format!("/api/v2/role/{direct}"), None).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn no_path_hands_out_a_permission_the_caller_lacks() {
    let app = TestApp::spawn().await;
    ok(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::manager", "groups": ["user_management"]})),
    )
    .await;
    let tokens = ok(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::manager",
        None,
    )
    .await;
    let manager = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let strong = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "strong", "permissions": ["ingestion"]})),
    )
    .await;
    let strong = strong["response"]["id"].as_str().expect("id").to_owned();
    let group = ok(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "strong-group", "roleIDs": [strong]})),
    )
    .await;
    let group = group["response"]["id"].as_str().expect("id").to_owned();
    let weak = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "weak", "permissions": []})),
    )
    .await;
    let weak = weak["response"]["id"].as_str().expect("id").to_owned();
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "plain@example.com", "groups": [], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200);

    let attempts: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/api/v2/role".into(),
            json!({"name": "mine", "permissions": ["ingestion"]}),
        ),
        (
            Method::PUT,
            format!("/api/v2/role/{weak}"),
            json!({"permissions": ["ingestion"]}),
        ),
        (
            Method::POST,
            "/api/v2/role/grant/ingestion".into(),
            json!([weak]),
        ),
        (
            Method::POST,
            format!("/api/v2/role/{strong}/addAssignees"),
            json!(["sa::manager"]),
        ),
        (
            Method::POST,
            format!("/api/v2/usergroup/{group}/addUsers"),
            json!(["sa::manager"]),
        ),
        (
            Method::POST,
            "/api/v2/usergroup".into(),
            json!({"name": "mine", "roleIDs": [strong]}),
        ),
        (
            Method::POST,
            "/api/v2/account/sa::manager/grant/ingestion".into(),
            json!({}),
        ),
        // Mass assignment: roles, groups and permissions named in a create or an update.
        (
            Method::PUT,
            "/api/v2/account/serviceaccount/sa::manager".into(),
            json!({"identifier": "sa::manager", "roles": [strong]}),
        ),
        (
            Method::PUT,
            "/api/v2/account/serviceaccount/sa::manager".into(),
            json!({"identifier": "sa::manager", "userGroups": [group]}),
        ),
        (
            Method::PUT,
            "/api/v2/account/serviceaccount/sa::manager".into(),
            json!({"identifier": "sa::manager", "groups": ["user_management", "ingestion"]}),
        ),
        (
            Method::POST,
            "/api/v2/account/serviceaccount".into(),
            json!({"identifier": "sa::sneaky", "roles": [strong]}),
        ),
        (
            Method::POST,
            "/api/v2/account/user".into(),
            json!({"emailAddress": "sneaky@example.com", "groups": [], "userGroups": [group]}),
        ),
        (
            Method::PUT,
            "/api/v2/account/user/plain@example.com".into(),
            json!({"roles": [strong]}),
        ),
        (
            Method::PUT,
            "/api/v2/user/plain@example.com".into(),
            json!({"groups": ["ingestion"]}),
        ),
        (
            Method::POST,
            "/api/v2/user/grant/ingestion".into(),
            json!(["sa::manager"]),
        ),
        (
            Method::POST,
            "/api/v2/user/sa::manager/addUserGroups".into(),
            json!([group]),
        ),
        (
            Method::POST,
            "/api/v2/user/invite".into(),
            json!([{"emailAddress": "invited@example.com", "groups": ["ingestion"], "userGroups": []}]),
        ),
    ];
    for (method, path, body) in attempts {
        let resp = app
            .http
            .request(method, app.at(&path))
            .bearer_auth(&manager)
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert!(
        !united(&app, "sa::manager")
            .await
            .contains(&"ingestion".into())
    );
    for absent in ["sa::sneaky", "sneaky@example.com", "invited@example.com"] {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/api/v2/account/{absent}"),
            None,
        )
        .await;
        assert_eq!(status, 404, "{absent} was not created");
    }
    let plain = ok(&app, Method::GET, "/api/v2/account/plain@example.com", None).await;
    assert_eq!(plain["response"]["unitedPermissions"], json!([]));
    let role = ok(&app, Method::GET, &format!("/api/v2/role/{weak}"), None).await;
    assert_eq!(
        role["response"]["permissions"],
        json!([]),
        "nothing changed"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_system_groups_hold() {
    let app = TestApp::spawn().await;
    let groups = ok(
        &app,
        Method::GET,
        "/api/v2/usergroup?offset=0&limit=100",
        None,
    )
    .await;
    let items = groups["response"]["items"].as_array().expect("items");
    let id_of = |name: &str| {
        items.iter().find(|g| g["name"] == name).expect("listed")["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (everyone, service) = (id_of("Everyone"), id_of("Service Accounts"));
    assert_eq!(
        items
            .iter()
            .find(|g| g["name"] == "Everyone")
            .expect("listed")["users"],
        json!(["admin@example.com"])
    );
    for (method, path, body) in [
        (
            Method::DELETE,
            format!("/api/v2/usergroup/{everyone}"),
            None,
        ),
        (Method::DELETE, format!("/api/v2/usergroup/{service}"), None),
        (
            Method::PUT,
            format!("/api/v2/usergroup/{everyone}"),
            Some(json!({"name": "Some"})),
        ),
        (
            Method::POST,
            format!("/api/v2/usergroup/{everyone}/removeUsers"),
            Some(json!(["admin@example.com"])),
        ),
        (
            Method::POST,
            format!("/api/v2/usergroup/{service}/addUsers"),
            Some(json!(["admin@example.com"])),
        ),
    ] {
        let (status, body) = call(&app, method, &path, body).await;
        assert_eq!(status, 400, "{path}: {body}");
    }
    let role = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "everyone-reads", "permissions": ["embedded_charts"]})),
    )
    .await;
    let role = role["response"]["id"].as_str().expect("id").to_owned();
    ok(
        &app,
        Method::POST,
        &format!("/api/v2/usergroup/{everyone}/addRoles"),
        Some(json!([role])),
    )
    .await;
    ok(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "new@example.com", "groups": [], "userGroups": []})),
    )
    .await;
    let user = ok(&app, Method::GET, "/api/v2/account/new@example.com", None).await;
    assert_eq!(
        user["response"]["unitedPermissions"],
        json!(["embedded_charts"]),
        "Everyone's roles apply to new users"
    );
    app.stop().await;
}

#[tokio::test]
async fn accounts_are_managed_in_bulk_and_by_their_roles_and_groups() {
    let app = TestApp::spawn().await;
    for id in ["sa::one", "sa::two"] {
        ok(
            &app,
            Method::POST,
            "/api/v2/account/serviceaccount",
            Some(json!({"identifier": id})),
        )
        .await;
    }
    let last = ok(
        &app,
        Method::POST,
        "/api/v2/account/grant/ingestion",
        Some(json!(["sa::one", "sa::two"])),
    )
    .await;
    assert_eq!(
        last["identifier"], "sa::two",
        "a bare UserModel of the last account"
    );
    assert!(united(&app, "sa::one").await.contains(&"ingestion".into()));
    ok(
        &app,
        Method::POST,
        "/api/v2/account/revoke/ingestion",
        Some(json!(["sa::one", "sa::two"])),
    )
    .await;
    assert!(united(&app, "sa::two").await.is_empty());

    let role = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "r", "permissions": ["metrics_management"]})),
    )
    .await;
    let role = role["response"]["id"].as_str().expect("id").to_owned();
    let group = ok(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "g", "roleIDs": [role]})),
    )
    .await;
    let group = group["response"]["id"].as_str().expect("id").to_owned();
    let model = ok(
        &app,
        Method::POST,
        "/api/v2/account/sa::one/addRoles",
        Some(json!([role])),
    )
    .await;
    assert_eq!(model["roles"][0]["name"], "r");
    ok(
        &app,
        Method::POST,
        "/api/v2/account/sa::one/removeRoles",
        Some(json!([role])),
    )
    .await;
    let model = ok(
        &app,
        Method::POST,
        "/api/v2/account/sa::two/addUserGroups",
        Some(json!([group])),
    )
    .await;
    assert!(
        model["userGroups"]
            .as_array()
            .expect("groups")
            .iter()
            .any(|g| g["name"] == "g")
    );
    assert_eq!(united(&app, "sa::two").await, ["metrics_management"]);
    ok(
        &app,
        Method::POST,
        "/api/v2/account/sa::two/removeUserGroups",
        Some(json!([group])),
    )
    .await;
    assert!(united(&app, "sa::two").await.is_empty());

    let checked = ok(
        &app,
        Method::POST,
        "/api/v2/account/validateAccounts",
        Some(json!(["sa::one", "sa::nobody", "bad,id"])),
    )
    .await;
    assert_eq!(
        checked["response"]["validUsers"][0]["identifier"],
        "sa::one"
    );
    assert_eq!(
        checked["response"]["invalidIdentifiers"],
        json!(["sa::nobody", "bad,id"])
    );
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/deleteAccounts",
        Some(json!(["admin@example.com"])),
    )
    .await;
    assert_eq!(status, 400, "never the last Super Admin");
    let deleted = ok(
        &app,
        Method::POST,
        "/api/v2/account/deleteAccounts",
        Some(json!(["sa::one", "sa::two", "sa::nobody"])),
    )
    .await;
    assert_eq!(deleted["response"], json!(["sa::one", "sa::two"]));
    app.stop().await;
}

#[tokio::test]
async fn writes_replace_roles_and_groups_and_users_stay_in_everyone() {
    let app = TestApp::spawn().await;
    let role = ok(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "alerting", "permissions": ["alerts_management"]})),
    )
    .await;
    let role = role["response"]["id"].as_str().expect("id").to_owned();
    let group = ok(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "oncall", "roleIDs": []})),
    )
    .await;
    let group = group["response"]["id"].as_str().expect("id").to_owned();
    let groups = ok(&app, Method::GET, "/api/v2/usergroup", None).await;
    let system_id = |name: &str| {
        groups["response"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|g| g["name"] == name)
            .expect("system group")["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (everyone, service_accounts) = (system_id("Everyone"), system_id("Service Accounts"));

    // A service account created with a role and a group.
    let sa = ok(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::pager", "roles": [role], "userGroups": [group]})),
    )
    .await;
    assert_eq!(sa["response"]["roles"][0]["id"], json!(role));
    assert!(
        united(&app, "sa::pager")
            .await
            .contains(&"alerts_management".into())
    );
    let names: Vec<&str> = sa["response"]["userGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(&"Service Accounts") && names.contains(&"oncall"),
        "{names:?}"
    );
    // An update replaces them; an absent part stays as it is.
    let sa = ok(
        &app,
        Method::PUT,
        "/api/v2/account/serviceaccount/sa::pager",
        Some(json!({"identifier": "sa::pager", "roles": []})),
    )
    .await;
    assert_eq!(sa["response"]["roles"], json!([]));
    assert_eq!(
        sa["response"]["userGroups"]
            .as_array()
            .expect("groups")
            .len(),
        2
    );
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v2/account/serviceaccount/sa::pager",
        Some(json!({"identifier": "sa::pager", "userGroups": [everyone]})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v2/account/serviceaccount/sa::pager",
        Some(json!({"identifier": "sa::pager", "roles": ["no-such-role"]})),
    )
    .await;
    assert_eq!(status, 400, "{body}");

    // A user: roles and groups on create; an update that leaves out Everyone keeps it.
    let user = ok(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "ann@example.com", "groups": [], "userGroups": [group], "roles": [role]})),
    )
    .await;
    assert_eq!(user["roles"][0]["id"], json!(role));
    let (status, user) = call(
        &app,
        Method::PUT,
        "/api/v2/account/user/ann@example.com",
        Some(json!({"userGroups": [], "roles": []})),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["userGroups"][0]["name"], "Everyone");
    assert_eq!(user["userGroups"].as_array().expect("groups").len(), 1);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v2/account/user/ann@example.com",
        Some(json!({"userGroups": [service_accounts]})),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v2/account/user/ann@example.com",
        Some(json!({"identifier": "bob@example.com"})),
    )
    .await;
    assert_eq!(status, 400, "a body naming another account");
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v2/account/user/sa::pager",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404, "not a user account");
    app.stop().await;
}
