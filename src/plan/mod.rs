//! `scalec plan` (issue #16, in progress): replaying load against a policy
//! offline. This stage reads the model and writes nothing; so far it holds
//! the HorizontalPodAutoscaler's algorithm ([`hpa`]), which the replay will
//! step through time.

pub mod hpa;
