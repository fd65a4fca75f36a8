//! A service's ports: the container ports of its Deployment and its
//! Kubernetes `Service` (ClusterIP), which gives callers a stable name
//! (`http://cart:8080` inside the namespace).
//!
//! Every port is named (`port = N` is `http`; a `port NAME` block is NAME),
//! and the Service's `targetPort` is the container port's name, so a port
//! renumbered in the policy moves both at once. The Service selects the pods
//! by the Deployment's selector labels. A service without a port gets no
//! Service: nothing could reach it.

use k8s_openapi::api::core::v1::{ContainerPort, Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Context;

/// The container ports of a service, in [`crate::model::Service::ports`]
/// order; `None` when it has none.
pub fn container_ports(service: &crate::model::Service) -> Option<Vec<ContainerPort>> {
    service.has_ports().then(|| {
        service
            .ports()
            .into_iter()
            .map(|port| ContainerPort {
                name: Some(port.name.to_string()),
                container_port: i32::from(port.number),
                protocol: Some(port.protocol.kubernetes().to_string()),
                ..Default::default()
            })
            .collect()
    })
}

/// The Kubernetes Service of a service with ports, named as its Deployment.
pub fn service(context: &Context<'_>, service: &crate::model::Service) -> Option<Service> {
    if !service.has_ports() {
        return None;
    }
    let name = &service.name.value;
    Some(Service {
        metadata: context.metadata(name),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_string()),
            selector: Some(context.selector(name)),
            ports: Some(
                service
                    .ports()
                    .into_iter()
                    .map(|port| ServicePort {
                        name: Some(port.name.to_string()),
                        port: i32::from(port.number),
                        target_port: Some(IntOrString::String(port.name.to_string())),
                        protocol: Some(port.protocol.kubernetes().to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    })
}
