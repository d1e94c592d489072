#pragma once
// kubectl 1.32's typed clients (`kubectl create namespace|configmap|secret|
// serviceaccount`) send their bodies as Kubernetes protobuf
// (Content-Type: application/vnd.kubernetes.protobuf): the "k8s\0" magic, then
// a runtime.Unknown wrapping the object's generated.proto message. This turns
// such a body into the JSON object kube-apiserver would have decoded, for the
// built-in kinds those commands create. Other kinds are reported as
// unsupported so the server can answer 415 as before.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace dynop::localcluster::builtin {

// The object (with apiVersion and kind), or why it could not be decoded.
std::variant<boost::json::value, std::string> decode_protobuf_object(std::string_view body);

}  // namespace dynop::localcluster::builtin
