#include "localcluster/storage/sqlite_backend.hpp"

#include <stdexcept>

namespace dynop::localcluster::storage {

namespace {

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("sqlite prepare failed: ") + sqlite3_errmsg(db));
  }
  return stmt;
}

}  // namespace

SqliteBackend::SqliteBackend(const std::string& path, Durability durability) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + path + ": " + message);
  }
  std::string error = exec("PRAGMA journal_mode=WAL");
  if (error.empty()) {
    error = exec(durability == Durability::kFull ? "PRAGMA synchronous=FULL"
                                                 : "PRAGMA synchronous=NORMAL");
  }
  if (error.empty()) {
    error = exec(
        "CREATE TABLE IF NOT EXISTS objects(key TEXT PRIMARY KEY, rv INTEGER NOT NULL, "
        "value BLOB NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "INSERT OR IGNORE INTO meta(name, value) VALUES('resource_version', 0);");
  }
  if (!error.empty()) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot initialise " + path + ": " + error);
  }
  put_ = prepare(db_, "INSERT OR REPLACE INTO objects(key, rv, value) VALUES(?1, ?2, ?3)");
  remove_ = prepare(db_, "DELETE FROM objects WHERE key = ?1");
  set_rv_ = prepare(db_, "UPDATE meta SET value = ?1 WHERE name = 'resource_version'");
  begin_ = prepare(db_, "BEGIN IMMEDIATE");
  commit_ = prepare(db_, "COMMIT");
  rollback_ = prepare(db_, "ROLLBACK");
}

SqliteBackend::~SqliteBackend() {
  for (sqlite3_stmt* stmt : {put_, remove_, set_rv_, begin_, commit_, rollback_}) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db_);
}

std::string SqliteBackend::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message ? message : "unknown sqlite error";
    sqlite3_free(message);
    return error;
  }
  return {};
}

std::string SqliteBackend::step_reset(sqlite3_stmt* stmt) {
  int rc = sqlite3_step(stmt);
  std::string error;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) error = sqlite3_errmsg(db_);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return error;
}

std::uint64_t SqliteBackend::load(
    const std::function<void(std::string_view, std::uint64_t, std::string_view)>& row) {
  sqlite3_stmt* all = prepare(db_, "SELECT key, rv, value FROM objects");
  while (sqlite3_step(all) == SQLITE_ROW) {
    std::string_view key(reinterpret_cast<const char*>(sqlite3_column_text(all, 0)),
                         static_cast<std::size_t>(sqlite3_column_bytes(all, 0)));
    auto rv = static_cast<std::uint64_t>(sqlite3_column_int64(all, 1));
    std::string_view value(static_cast<const char*>(sqlite3_column_blob(all, 2)),
                           static_cast<std::size_t>(sqlite3_column_bytes(all, 2)));
    row(key, rv, value);
  }
  sqlite3_finalize(all);
  sqlite3_stmt* seq = prepare(db_, "SELECT value FROM meta WHERE name = 'resource_version'");
  std::uint64_t rv = 0;
  if (sqlite3_step(seq) == SQLITE_ROW) rv = static_cast<std::uint64_t>(sqlite3_column_int64(seq, 0));
  sqlite3_finalize(seq);
  return rv;
}

std::string SqliteBackend::begin() { return step_reset(begin_); }

std::string SqliteBackend::put(std::string_view key, std::uint64_t rv, std::string_view json) {
  sqlite3_bind_text(put_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_int64(put_, 2, static_cast<sqlite3_int64>(rv));
  sqlite3_bind_blob(put_, 3, json.data(), static_cast<int>(json.size()), SQLITE_STATIC);
  return step_reset(put_);
}

std::string SqliteBackend::remove(std::string_view key) {
  sqlite3_bind_text(remove_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  return step_reset(remove_);
}

std::string SqliteBackend::commit(std::uint64_t rv) {
  sqlite3_bind_int64(set_rv_, 1, static_cast<sqlite3_int64>(rv));
  std::string error = step_reset(set_rv_);
  if (error.empty()) error = step_reset(commit_);
  if (!error.empty()) {
    rollback();
    return error;
  }
  ++commits_;
  return {};
}

void SqliteBackend::rollback() {
  if (in_transaction()) step_reset(rollback_);
}

bool SqliteBackend::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace dynop::localcluster::storage
