#include "host/kube/client.hpp"

#include <gtest/gtest.h>

namespace dynop::host::kube {
namespace {

TEST(Client, EncodesListAndWatchQueries) {
  ListOptions options;
  options.label_selector = "app in (web,db),!canary";
  options.field_selector = "spec.nodeName=";
  options.limit = 500;
  options.continue_token = "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==";
  EXPECT_EQ(encode_list_query(options, false),
            "?labelSelector=app%20in%20%28web%2Cdb%29%2C%21canary&fieldSelector=spec.nodeName%3D&"
            "limit=500&"
            "continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ%3D%3D");
  ListOptions watch;
  watch.resource_version = "1234";
  watch.allow_watch_bookmarks = true;
  watch.timeout_seconds = 300;
  EXPECT_EQ(encode_list_query(watch, true),
            "?watch=1&resourceVersion=1234&timeoutSeconds=300&allowWatchBookmarks=true");
  EXPECT_EQ(encode_list_query(ListOptions{}, false), "");
}

TEST(Client, PatchContentTypes) {
  EXPECT_STREQ(content_type(PatchType::kMerge), "application/merge-patch+json");
  EXPECT_STREQ(content_type(PatchType::kJson), "application/json-patch+json");
  EXPECT_STREQ(content_type(PatchType::kStrategicMerge), "application/strategic-merge-patch+json");
}

}  // namespace
}  // namespace dynop::host::kube
