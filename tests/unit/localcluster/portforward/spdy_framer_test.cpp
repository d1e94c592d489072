#include "localcluster/portforward/spdy_framer.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "localcluster/portforward/spdy_dictionary.hpp"

namespace dynop::localcluster::portforward {
namespace {

TEST(SpdyDictionary, IsSpdy3s) {
  const std::string& d = spdy3_header_dictionary();
  EXPECT_EQ(d.size(), 1423u);
  EXPECT_EQ(adler32(1, reinterpret_cast<const Bytef*>(d.data()), static_cast<uInt>(d.size())),
            0xe3c6a7c2u);
  EXPECT_EQ(d.substr(0, 11), std::string("\0\0\0\x07options", 11));
  EXPECT_TRUE(d.ends_with("enq=0."));
}

TEST(SpdyFramer, HeaderBlocksShareOneCompressionContextPerDirection) {
  SpdyWriter client;
  SpdyReader server;
  // kubectl's two streams of one forwarded connection, in one message (in
  // this order: the second block continues the first's zlib stream).
  std::string bytes =
      client.syn_stream(1, {{"streamtype", "error"}, {"port", "8000"}, {"requestid", "0"}});
  bytes += client.syn_stream(3, {{"streamtype", "data"}, {"port", "8000"}, {"requestid", "0"}});
  // Split anywhere: frames are put together again.
  server.append(bytes.substr(0, 7));
  std::string error;
  EXPECT_FALSE(server.next(error));
  EXPECT_TRUE(error.empty());
  server.append(bytes.substr(7));
  auto first = server.next(error);
  ASSERT_TRUE(first) << error;
  EXPECT_EQ(first->type, SpdyFrameType::kSynStream);
  EXPECT_EQ(first->stream_id, 1u);
  EXPECT_EQ(first->headers.at("streamtype"), "error");
  auto second = server.next(error);
  ASSERT_TRUE(second) << error;
  EXPECT_EQ(second->stream_id, 3u);
  EXPECT_EQ(second->headers.at("streamtype"), "data");
  EXPECT_EQ(second->headers.at("port"), "8000");
  EXPECT_FALSE(server.next(error));
}

TEST(SpdyFramer, DataPingRstAndReplies) {
  SpdyWriter server;
  SpdyReader client;
  client.append(server.syn_reply(3, {}) + SpdyWriter::data(3, "GET /metrics", false) +
                SpdyWriter::data(3, {}, true) + SpdyWriter::ping(7) + SpdyWriter::rst_stream(5, 2) +
                SpdyWriter::go_away(3, 0));
  std::string error;
  auto reply = client.next(error);
  ASSERT_TRUE(reply) << error;
  EXPECT_EQ(reply->type, SpdyFrameType::kSynReply);
  EXPECT_TRUE(reply->headers.empty());
  auto data = client.next(error);
  ASSERT_TRUE(data);
  EXPECT_EQ(data->type, SpdyFrameType::kData);
  EXPECT_EQ(data->data, "GET /metrics");
  EXPECT_FALSE(data->fin());
  auto fin = client.next(error);
  ASSERT_TRUE(fin);
  EXPECT_TRUE(fin->fin());
  EXPECT_TRUE(fin->data.empty());
  auto ping = client.next(error);
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->type, SpdyFrameType::kPing);
  EXPECT_EQ(ping->value, 7u);
  auto rst = client.next(error);
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->stream_id, 5u);
  EXPECT_EQ(rst->value, 2u);
  auto away = client.next(error);
  ASSERT_TRUE(away);
  EXPECT_EQ(away->type, SpdyFrameType::kGoAway);
}

TEST(SpdyFramer, GarbageIsAnError) {
  SpdyReader reader;
  // A control frame of version 2.
  reader.append(std::string("\x80\x02\x00\x01\x00\x00\x00\x00", 8));
  std::string error;
  EXPECT_FALSE(reader.next(error));
  EXPECT_EQ(error, "SPDY version 2 (only 3 is spoken)");
  SpdyReader bad_block;
  std::string frame("\x80\x03\x00\x02\x00\x00\x00\x08\x00\x00\x00\x01garb", 16);
  bad_block.append(frame);
  error.clear();
  EXPECT_FALSE(bad_block.next(error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace dynop::localcluster::portforward
