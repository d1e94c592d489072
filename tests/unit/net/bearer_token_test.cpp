#include "lib/net/bearer_token.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/file_text.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::net {
namespace {

namespace fs = std::filesystem;

TEST(BearerToken, ANewTokenIsWrittenOwnerOnlyAndReadBackOnTheNextStart) {
  test::TempDir dir("dynop-token");
  const std::string path = (dir.path() / "token").string();
  std::string error;
  auto first = load_or_create_bearer_token(path, error);
  ASSERT_TRUE(first) << error;
  EXPECT_EQ(first->size(), 48u);
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos) << *first;
  EXPECT_EQ(test::file_text(path), *first + "\n");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto again = load_or_create_bearer_token(path, error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(*again, *first);
  EXPECT_NE(random_bearer_token(), random_bearer_token());
}

TEST(BearerToken, AGivenFilesFirstLineIsTheToken) {
  test::TempDir dir("dynop-token");
  const std::string path = dir.write("token", "s3cret\nignored\n");
  std::string error;
  auto token = load_or_create_bearer_token(path, error);
  ASSERT_TRUE(token) << error;
  EXPECT_EQ(*token, "s3cret");
}

TEST(BearerToken, AnEmptyFileGetsANewToken) {
  test::TempDir dir("dynop-token");
  const std::string path = dir.write("token", "");
  std::string error;
  auto token = load_or_create_bearer_token(path, error);
  ASSERT_TRUE(token) << error;
  EXPECT_EQ(test::file_text(path), *token + "\n");
}

TEST(BearerToken, AFileThatCannotBeWrittenIsNamed) {
  test::TempDir dir("dynop-token");
  const std::string path = (dir.path() / "missing-folder" / "token").string();
  std::string error;
  EXPECT_FALSE(load_or_create_bearer_token(path, error));
  EXPECT_EQ(error, path + ": cannot write the token");
}

}  // namespace
}  // namespace dynop::net
