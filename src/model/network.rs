//! Who talks to whom: a service's named ports, the services and databases it
//! calls, and the traffic it admits from outside the project.
//!
//! Lowering resolves every call (E004: the target exists and has the port),
//! so emit writes a Service per service with a port and a NetworkPolicy that
//! admits exactly the declared callers.

use crate::source::{Span, eq_ignoring_spans};

use super::{Keyword, Service, Spanned};

keywords! {
    /// `protocol` of a `port` block.
    pub enum Protocol {
        Tcp = "tcp",
        Udp = "udp",
        Sctp = "sctp",
    }
}

impl Protocol {
    /// The protocol as Kubernetes spells it.
    pub fn kubernetes(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// `port NAME { number, protocol }`: a named container port, also a port of
/// the service's Kubernetes Service.
#[derive(Clone, Debug)]
pub struct NamedPort {
    /// An IANA service name (checked in lowering, E006).
    pub name: Spanned<String>,
    pub number: Spanned<u16>,
    pub protocol: Protocol,
    pub span: Span,
}

/// One port of a service, from `port = N` (named `http`) or a `port` block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRef<'a> {
    pub name: &'a str,
    pub number: u16,
    pub protocol: Protocol,
}

/// The name of the port `port = N` declares.
pub const HTTP_PORT: &str = "http";

/// One entry of `calls`: `cart` (every port of service `cart`, or database
/// `cart`'s router) or `payments(grpc)` (only the named ports).
#[derive(Clone, Debug)]
pub struct Call {
    pub target: Spanned<String>,
    /// The named ports; empty for every port.
    pub ports: Vec<Spanned<String>>,
    pub span: Span,
}

impl Service {
    /// Every port, `http` (from `port = N`) first, then the `port` blocks by
    /// name.
    pub fn ports(&self) -> Vec<PortRef<'_>> {
        let http = self.port.as_ref().map(|port| PortRef {
            name: HTTP_PORT,
            number: port.value,
            protocol: Protocol::Tcp,
        });
        http.into_iter()
            .chain(self.named_ports.iter().map(|port| PortRef {
                name: &port.name.value,
                number: port.number.value,
                protocol: port.protocol,
            }))
            .collect()
    }

    /// Whether the service listens on any port.
    pub fn has_ports(&self) -> bool {
        self.port.is_some() || !self.named_ports.is_empty()
    }
}

eq_ignoring_spans! {
    NamedPort { name, number, protocol } ignoring { span }
    Call { target, ports } ignoring { span }
}
