//! The VMware Cloud services–compatible identity service, for onboarded subscriptions: the
//! organization, its service roles, server-to-server apps and organization API tokens.

pub mod api_token;
pub mod app;
pub mod org;
pub mod role;
pub mod signing_key;
pub mod subscription;
