#include "localcluster/builtin/protobuf_decoding.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::builtin {
namespace {

// Minimal protobuf writer for building the bodies kubectl sends.
std::string field(int number, const std::string& bytes) {
  std::string out;
  out += static_cast<char>((number << 3) | 2);
  out += static_cast<char>(bytes.size());
  return out + bytes;
}
std::string varint_field(int number, int value) {
  std::string out;
  out += static_cast<char>(number << 3);
  out += static_cast<char>(value);
  return out;
}
std::string envelope(const std::string& api_version, const std::string& kind,
                     const std::string& raw) {
  return std::string("k8s\0", 4) + field(1, field(1, api_version) + field(2, kind)) +
         field(2, raw) + field(3, "") + field(4, "");
}

TEST(ProtobufDecoding, NamespaceAsKubectlCreateSendsIt) {
  // ObjectMeta{name:"e2e", generateName:"", creationTimestamp:{}} and empty spec/status.
  const std::string meta = field(1, "e2e") + field(2, "") + field(8, "");
  const auto body = envelope("v1", "Namespace", field(1, meta) + field(2, "") + field(3, ""));
  auto decoded = decode_protobuf_object(body);
  ASSERT_TRUE(std::holds_alternative<boost::json::value>(decoded))
      << std::get<std::string>(decoded);
  EXPECT_EQ(std::get<boost::json::value>(decoded),
            boost::json::parse(
                R"({"kind":"Namespace","apiVersion":"v1","metadata":{"name":"e2e"},"spec":{}})"));
}

TEST(ProtobufDecoding, ConfigMapAndSecretMaps) {
  const std::string meta =
      field(1, "settings") + field(3, "e2e") + field(11, field(1, "app") + field(2, "web"));
  const auto cm = envelope("v1", "ConfigMap",
                           field(1, meta) + field(2, field(1, "a") + field(2, "1")) +
                               field(2, field(1, "b") + field(2, "2")));
  auto decoded = decode_protobuf_object(cm);
  ASSERT_TRUE(std::holds_alternative<boost::json::value>(decoded));
  EXPECT_EQ(std::get<boost::json::value>(decoded),
            boost::json::parse(R"({"kind":"ConfigMap","apiVersion":"v1",
              "metadata":{"name":"settings","namespace":"e2e","labels":{"app":"web"}},"data":{"a":"1","b":"2"}})"));
  const auto secret = envelope("v1", "Secret",
                               field(1, field(1, "s")) + field(2, field(1, "k") + field(2, "hi")) +
                                   field(3, "Opaque") + varint_field(5, 1));
  decoded = decode_protobuf_object(secret);
  ASSERT_TRUE(std::holds_alternative<boost::json::value>(decoded));
  EXPECT_EQ(std::get<boost::json::value>(decoded),
            boost::json::parse(R"({"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"},
              "data":{"k":"aGk="},"type":"Opaque","immutable":true})"));
}

TEST(ProtobufDecoding, RefusesOtherKindsAndGarbage) {
  EXPECT_TRUE(std::holds_alternative<std::string>(decode_protobuf_object("{}")));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      decode_protobuf_object(envelope("apps/v1", "Deployment", field(1, field(1, "d"))))));
  EXPECT_TRUE(
      std::holds_alternative<std::string>(decode_protobuf_object(std::string("k8s\0\x0a\x7f", 6))));
}

}  // namespace
}  // namespace dynop::localcluster::builtin
