#pragma once
// SPDY/3.1 framing, the subset kubectl's port-forward speaks (it reaches us
// as SPDY/3.1 inside WebSocket binary messages, subprotocol
// "SPDY/3.1+portforward.k8s.io", KEP-4006): SYN_STREAM, SYN_REPLY,
// RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE and DATA.
// Header blocks are zlib streams with the SPDY/3 dictionary, one compression
// context per direction for the whole session (each block ends with a sync
// flush), exactly as moby/spdystream writes and reads them.
//
// SpdyReader takes bytes as they come (frames may be split or joined across
// transport messages) and yields whole frames; SpdyWriter encodes frames.
// Neither is thread-safe.

#include <zlib.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::localcluster::portforward {

enum class SpdyFrameType : std::uint16_t {
  kData = 0,  // not a control frame
  kSynStream = 1,
  kSynReply = 2,
  kRstStream = 3,
  kSettings = 4,
  kPing = 6,
  kGoAway = 7,
  kHeaders = 8,
  kWindowUpdate = 9,
};

inline constexpr std::uint8_t kSpdyFlagFin = 0x01;
inline constexpr std::uint32_t kSpdyMaxDataLength = (1u << 24) - 1;

// Header names are lower case; several values of one name are joined by NUL.
using SpdyHeaders = std::map<std::string, std::string>;

struct SpdyFrame {
  SpdyFrameType type = SpdyFrameType::kData;
  std::uint8_t flags = 0;
  std::uint32_t stream_id = 0;  // DATA, SYN_*, RST, HEADERS, WINDOW_UPDATE
  SpdyHeaders headers;          // SYN_STREAM, SYN_REPLY, HEADERS
  std::string data;             // DATA payload
  std::uint32_t value = 0;      // RST/GOAWAY status, PING id, WINDOW_UPDATE delta
  bool fin() const { return (flags & kSpdyFlagFin) != 0; }
};

class SpdyReader {
 public:
  SpdyReader();
  ~SpdyReader();
  SpdyReader(const SpdyReader&) = delete;
  SpdyReader& operator=(const SpdyReader&) = delete;

  void append(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole frame, nullopt when more bytes are needed. A malformed
  // frame sets `error` (and the session should end).
  std::optional<SpdyFrame> next(std::string& error);

 private:
  bool decode_headers(std::string_view block, SpdyHeaders& out, std::string& error);
  std::string buffer_;
  z_stream inflate_{};
  bool inflate_ready_ = false;
};

class SpdyWriter {
 public:
  SpdyWriter();
  ~SpdyWriter();
  SpdyWriter(const SpdyWriter&) = delete;
  SpdyWriter& operator=(const SpdyWriter&) = delete;

  std::string syn_reply(std::uint32_t stream_id, const SpdyHeaders& headers, bool fin = false);
  // Splits payloads over kSpdyMaxDataLength into several frames.
  static std::string data(std::uint32_t stream_id, std::string_view payload, bool fin);
  static std::string rst_stream(std::uint32_t stream_id, std::uint32_t status);
  static std::string ping(std::uint32_t id);
  static std::string go_away(std::uint32_t last_good_stream_id, std::uint32_t status);
  // A SYN_STREAM, for tests that play the client.
  std::string syn_stream(std::uint32_t stream_id, const SpdyHeaders& headers, bool fin = false);

 private:
  std::string header_block(const SpdyHeaders& headers);
  z_stream deflate_{};
};

}  // namespace dynop::localcluster::portforward
