// The connection command family: SELECT, HELLO, AUTH, CLIENT ..., RESET
// and QUIT, with the table that declares them. They act on the client
// connection the command came on (ctx.session, session.h); on a path with
// no connection (the embedded engine, gRPC) they answer an error saying
// so (gRPC chooses its database with the messages' db field).
//
// AUTH and HELLO ... AUTH check a secret off the command thread: the
// handler asks for the check (session->auth_request) and answers nothing;
// the connection pauses, the front end checks, and the same command runs
// again with the verdict (session->auth_verdict). Nothing else happens on
// the first run, so running twice is the same as running once.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../command.h"
#include "../command_table.h"
#include "../errors.h"
#include "../numbers.h"
#include "../session.h"
#include "../store.h"
#include "needs_session.h"

namespace ember {
namespace {

bool noSession(CommandContext& ctx) { return withoutSession(ctx, "takes a db field instead"); }

// Redis's validateProcessClientName: printable ASCII, no spaces.
bool validClientName(ByteView name) {
  for (unsigned char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}
constexpr std::string_view kBadClientName = "ERR Client names cannot contain spaces, newlines or special characters.";
constexpr std::string_view kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

// The verdict on `credentials` if the front end has checked them for this
// command, or nullopt after asking it to (the handler then returns
// without a reply).
std::optional<bool> verdictOn(Session& session, Session::Credentials credentials) {
  if (session.auth_verdict && session.auth_verdict->first == credentials) return session.auth_verdict->second;
  session.auth_request = std::move(credentials);
  return std::nullopt;
}

// Authenticates the session as `name` after a good verdict; false if the
// user is gone or off by now.
bool authenticateAs(CommandContext& ctx, std::string_view name) {
  AccessControl::UserPtr user = ctx.store.acl().find(name);
  if (!user || !user->enabled) return false;
  ctx.session->user = std::move(user);
  ctx.session->acl_generation = ctx.store.acl().generation();
  ctx.store.setCurrentUser(ctx.session->user);
  return true;
}

// ---------------------------------------------------------------------------
// SELECT, AUTH, HELLO, RESET, QUIT

void selectCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  std::optional<int64_t> index = parseInt64(ctx.arg(1));
  if (!index) return ctx.reply.error(err::kNotInteger);
  if (*index < 0 || *index >= Store::kDatabases) return ctx.reply.error(err::kDbIndexOutOfRange);
  ctx.session->db_index = static_cast<int>(*index);
  ctx.reply.ok();
}

// AUTH [username] password
void authCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (ctx.argc() > 3) return ctx.reply.error(err::kSyntax);
  Session::Credentials credentials;
  if (ctx.argc() == 2) {
    AccessControl::UserPtr fallback = ctx.store.acl().find("default");
    if (fallback && fallback->nopass) {
      return ctx.reply.error(
          "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
          "configuration is correct?");
    }
    credentials = {"default", std::string(ctx.arg(1))};
  } else {
    credentials = {std::string(ctx.arg(1)), std::string(ctx.arg(2))};
  }
  const std::string name = credentials.user;
  std::optional<bool> ok = verdictOn(*ctx.session, std::move(credentials));
  if (!ok) return;
  if (!*ok || !authenticateAs(ctx, name)) return ctx.reply.error(kWrongPass);
  ctx.reply.ok();
}

void helloReply(CommandContext& ctx) {
  ctx.reply.map(7);
  ctx.reply.bulk("server");
  ctx.reply.bulk("redis");
  ctx.reply.bulk("version");
  ctx.reply.bulk(kRedisVersion);
  ctx.reply.bulk("proto");
  ctx.reply.integer(ctx.session->protocol);
  ctx.reply.bulk("id");
  ctx.reply.integer(static_cast<int64_t>(ctx.session->id));
  ctx.reply.bulk("mode");
  ctx.reply.bulk("standalone");
  ctx.reply.bulk("role");
  ctx.reply.bulk("master");
  ctx.reply.bulk("modules");
  ctx.reply.array(0);
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void helloCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  int64_t protocol = 0;
  if (ctx.argc() >= 2) {
    std::optional<int64_t> version = parseInt64(ctx.arg(1));
    if (!version) return ctx.reply.error("ERR Protocol version is not an integer or out of range");
    if (*version < 2 || *version > 3) return ctx.reply.error("NOPROTO unsupported protocol version");
    protocol = *version;
  }
  std::optional<Session::Credentials> credentials;
  std::optional<ByteView> client_name;
  for (size_t j = 2; j < ctx.argc(); j++) {
    const size_t more = ctx.argc() - 1 - j;
    if (equalsIgnoreCase(ctx.arg(j), "auth") && more >= 2) {
      credentials = Session::Credentials{std::string(ctx.arg(j + 1)), std::string(ctx.arg(j + 2))};
      j += 2;
    } else if (equalsIgnoreCase(ctx.arg(j), "setname") && more >= 1) {
      if (!validClientName(ctx.arg(j + 1))) return ctx.reply.error(kBadClientName);
      client_name = ctx.arg(j + 1);
      j++;
    } else {
      return ctx.reply.error("ERR Syntax error in HELLO option '" + err::clientText(ctx.arg(j), 128) + "'");
    }
  }
  if (credentials) {
    const std::string name = credentials->user;
    std::optional<bool> ok = verdictOn(*ctx.session, std::move(*credentials));
    if (!ok) return;
    if (!*ok || !authenticateAs(ctx, name)) return ctx.reply.error(kWrongPass);
  }
  if (!ctx.session->user) {
    return ctx.reply.error(
        // Redis 7.0's text (7.2 added "<proto>").
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
        "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the "
        "same time");
  }
  if (client_name) ctx.session->name.assign(*client_name);
  if (protocol) ctx.session->protocol = static_cast<int>(protocol);
  helloReply(ctx);
}

// RESET: the connection as if new (Redis's resetCommand): no transaction,
// watches or subscriptions, database 0, RESP2, no name, replies on, and
// the default user (unauthenticated if it needs a secret).
void resetCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  Session& session = *ctx.session;
  ctx.store.unwatch(session.endTransaction());
  if (session.subscriptions()) ctx.store.pubsub().removeSubscriber(session.id);
  session.channel_count = session.pattern_count = 0;
  session.db_index = 0;
  session.protocol = 2;
  session.name.clear();
  session.reply_mode = Session::ReplyMode::kOn;
  session.no_evict = false;
  session.user = Session::userOnConnect(ctx.store.acl());
  session.acl_generation = ctx.store.acl().generation();
  ctx.store.setCurrentUser(session.user);
  ctx.reply.simple("RESET");
}

void quitCommand(CommandContext& ctx) {
  if (ctx.session) ctx.session->close_after_reply = true;
  ctx.reply.ok();
}

// ---------------------------------------------------------------------------
// CLIENT

std::string clientFlags(const Session& session) {
  std::string flags;
  if (session.subscriptions()) flags += 'P';
  if (session.in_multi) flags += 'x';
  if (session.blocked) flags += 'b';
  if (session.close_after_reply || session.killed) flags += 'c';
  if (session.no_evict) flags += 'e';
  return flags.empty() ? "N" : flags;
}

// One line of CLIENT LIST / CLIENT INFO, Redis's fields for what a
// session knows (no fd or buffer internals: the socket is the front
// end's).
std::string clientLine(const Session& session, int64_t now_ms) {
  std::string line;
  line += "id=" + std::to_string(session.id);
  line += " addr=" + session.addr;
  line += " laddr=" + session.laddr;
  line += " name=" + session.name;
  line += " age=" + std::to_string((now_ms - session.created_ms) / 1000);
  line += " idle=" + std::to_string((now_ms - session.last_command_ms) / 1000);
  line += " flags=" + clientFlags(session);
  line += " db=" + std::to_string(session.db_index);
  line += " sub=" + std::to_string(session.channel_count);
  line += " psub=" + std::to_string(session.pattern_count);
  line += " ssub=0";
  line += " multi=" + std::to_string(session.in_multi ? static_cast<int64_t>(session.queued.size()) : -1);
  line += " omem=" + std::to_string(session.output.size());
  line += " cmd=" + (session.last_command.empty() ? std::string("NULL") : session.last_command);
  line += " user=" + (session.user ? session.user->name : std::string());
  line += " lib-name=" + session.lib_name;
  line += " lib-ver=" + session.lib_ver;
  line += " resp=" + std::to_string(session.protocol);
  return line;
}

void clientIdCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  ctx.reply.integer(static_cast<int64_t>(ctx.session->id));
}

void clientGetnameCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (ctx.session->name.empty()) return ctx.reply.null();
  ctx.reply.bulk(ctx.session->name);
}

void clientSetnameCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (!validClientName(ctx.arg(2))) return ctx.reply.error(kBadClientName);
  ctx.session->name.assign(ctx.arg(2));
  ctx.reply.ok();
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; clients send it on
// connect and ignore an error, but answering it is kinder).
void clientSetinfoCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  const ByteView value = ctx.arg(3);
  for (unsigned char c : value) {
    if (c < '!' || c > '~') {
      return ctx.reply.error("ERR " + std::string(ctx.arg(2)) + " cannot contain spaces, newlines or special characters.");
    }
  }
  if (equalsIgnoreCase(ctx.arg(2), "lib-name")) {
    ctx.session->lib_name.assign(value);
  } else if (equalsIgnoreCase(ctx.arg(2), "lib-ver")) {
    ctx.session->lib_ver.assign(value);
  } else {
    return ctx.reply.error("ERR Unrecognized option '" + err::clientText(ctx.arg(2), 128) + "'");
  }
  ctx.reply.ok();
}

void clientInfoCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  ctx.reply.bulk(clientLine(*ctx.session, ctx.nowMs()) + "\n");
}

// CLIENT LIST [TYPE normal|pubsub|master|replica] [ID id ...]
void clientListCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  std::optional<std::string> type;
  std::vector<uint64_t> ids;
  for (size_t j = 2; j < ctx.argc(); j++) {
    const bool more = j + 1 < ctx.argc();
    if (equalsIgnoreCase(ctx.arg(j), "type") && more) {
      ByteView t = ctx.arg(++j);
      if (equalsIgnoreCase(t, "normal") || equalsIgnoreCase(t, "pubsub") || equalsIgnoreCase(t, "master") ||
          equalsIgnoreCase(t, "replica") || equalsIgnoreCase(t, "slave")) {
        type = std::string(t);
        for (char& c : *type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      } else {
        return ctx.reply.error("ERR Unknown client type '" + err::clientText(t, 128) + "'");
      }
    } else if (equalsIgnoreCase(ctx.arg(j), "id") && more) {
      for (j++; j < ctx.argc(); j++) {
        std::optional<int64_t> id = parseInt64(ctx.arg(j));
        if (!id || *id <= 0) return ctx.reply.error("ERR Invalid client ID");
        ids.push_back(static_cast<uint64_t>(*id));
      }
    } else {
      return ctx.reply.error(err::kSyntax);
    }
  }
  std::string text;
  const int64_t now = ctx.nowMs();
  ctx.store.sessions().forEach([&](const Session& session) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), session.id) == ids.end()) return;
    if (type) {
      const bool pubsub = session.subscriptions() > 0;
      if (*type == "normal" && pubsub) return;
      if (*type == "pubsub" && !pubsub) return;
      if (*type != "normal" && *type != "pubsub") return;  // no replicas or masters here
    }
    text += clientLine(session, now);
    text += '\n';
  });
  ctx.reply.bulk(text);
}

// CLIENT KILL ip:port | CLIENT KILL <filter value> ... (ID, ADDR, LADDR,
// USER, TYPE, SKIPME). A killed session closes once its current reply is
// written (the front end closes the others it is told of).
void clientKillCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  struct Filter {
    std::optional<uint64_t> id;
    std::optional<std::string> addr, laddr, user, type;
    bool skipme = true;
  } filter;
  const bool old_form = ctx.argc() == 3;
  if (old_form) {
    filter.addr = std::string(ctx.arg(2));
    filter.skipme = false;
  } else {
    if (ctx.argc() % 2 != 0) return ctx.reply.error(err::kSyntax);
    for (size_t j = 2; j + 1 < ctx.argc(); j += 2) {
      ByteView option = ctx.arg(j);
      ByteView value = ctx.arg(j + 1);
      if (equalsIgnoreCase(option, "id")) {
        std::optional<int64_t> id = parseInt64(value);
        if (!id || *id <= 0) return ctx.reply.error("ERR client-id should be greater than 0");
        filter.id = static_cast<uint64_t>(*id);
      } else if (equalsIgnoreCase(option, "addr")) {
        filter.addr = std::string(value);
      } else if (equalsIgnoreCase(option, "laddr")) {
        filter.laddr = std::string(value);
      } else if (equalsIgnoreCase(option, "user")) {
        if (!ctx.store.acl().find(value)) {
          return ctx.reply.error("ERR No such user '" + err::clientText(value, 128) + "'");
        }
        filter.user = std::string(value);
      } else if (equalsIgnoreCase(option, "type")) {
        filter.type = std::string(value);
        for (char& c : *filter.type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        if (*filter.type != "normal" && *filter.type != "pubsub" && *filter.type != "master" &&
            *filter.type != "replica" && *filter.type != "slave") {
          return ctx.reply.error("ERR Unknown client type '" + err::clientText(value, 128) + "'");
        }
      } else if (equalsIgnoreCase(option, "skipme")) {
        if (equalsIgnoreCase(value, "yes")) {
          filter.skipme = true;
        } else if (equalsIgnoreCase(value, "no")) {
          filter.skipme = false;
        } else {
          return ctx.reply.error(err::kSyntax);
        }
      } else {
        return ctx.reply.error(err::kSyntax);
      }
    }
  }
  int64_t killed = 0;
  ctx.store.sessions().forEach([&](Session& session) {
    if (filter.id && session.id != *filter.id) return;
    if (filter.addr && session.addr != *filter.addr) return;
    if (filter.laddr && session.laddr != *filter.laddr) return;
    if (filter.user && (!session.user || session.user->name != *filter.user)) return;
    if (filter.type) {
      const bool pubsub = session.subscriptions() > 0;
      if (*filter.type == "pubsub" ? !pubsub : (*filter.type != "normal" || pubsub)) return;
    }
    if (filter.skipme && &session == ctx.session) return;
    if (session.killed) return;
    session.killed = true;
    if (&session != ctx.session) ctx.store.sessions().noteKilled(session.id);
    killed++;
  });
  if (old_form) {
    if (killed == 0) return ctx.reply.error("ERR No such client");
    return ctx.reply.ok();
  }
  ctx.reply.integer(killed);
}

// CLIENT REPLY ON|OFF|SKIP: the connection silences replies (resp_connection.cc).
void clientReplyCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (equalsIgnoreCase(ctx.arg(2), "on")) {
    ctx.session->reply_mode = Session::ReplyMode::kOn;
  } else if (equalsIgnoreCase(ctx.arg(2), "off")) {
    ctx.session->reply_mode = Session::ReplyMode::kOff;
  } else if (equalsIgnoreCase(ctx.arg(2), "skip")) {
    ctx.session->reply_mode = Session::ReplyMode::kSkip;
  } else {
    return ctx.reply.error(err::kSyntax);
  }
  ctx.reply.ok();
}

// CLIENT NO-EVICT ON|OFF: accepted and shown in CLIENT LIST (emberkv
// never evicts clients to free memory, so every client is no-evict).
void clientNoEvictCommand(CommandContext& ctx) {
  if (noSession(ctx)) return;
  if (equalsIgnoreCase(ctx.arg(2), "on")) {
    ctx.session->no_evict = true;
  } else if (equalsIgnoreCase(ctx.arg(2), "off")) {
    ctx.session->no_evict = false;
  } else {
    return ctx.reply.error(err::kSyntax);
  }
  ctx.reply.ok();
}

void clientHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "SETINFO <LIB-NAME|LIB-VER> <value>",
      "    Set client meta attr. Options are:",
      "HELP",
      "    Print this help.",
  };
  ctx.reply.simpleLines(kLines);
}

// Flags and ACL categories as Redis 7.0's COMMAND INFO reports them.
constexpr uint32_t kClientFlags = kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kConnection = kAclSlow | kAclConnection;
constexpr uint32_t kAdminConnection = kAclAdmin | kAclSlow | kAclDangerous | kAclConnection;

constexpr CommandSpec kClientSubcommands[] = {
    {"client|id", 2, kClientFlags, kConnection, KeyPositions{}, clientIdCommand},
    {"client|getname", 2, kClientFlags, kConnection, KeyPositions{}, clientGetnameCommand},
    {"client|setname", 3, kClientFlags, kConnection, KeyPositions{}, clientSetnameCommand},
    {"client|setinfo", 4, kClientFlags, kConnection, KeyPositions{}, clientSetinfoCommand},
    {"client|info", 2, kClientFlags, kConnection, KeyPositions{}, clientInfoCommand},
    {"client|list", -2, kCmdAdmin | kClientFlags, kAdminConnection, KeyPositions{}, clientListCommand},
    {"client|kill", -3, kCmdAdmin | kClientFlags, kAdminConnection, KeyPositions{}, clientKillCommand},
    {"client|reply", 3, kClientFlags, kConnection, KeyPositions{}, clientReplyCommand},
    {"client|no-evict", 3, kCmdAdmin | kClientFlags, kAdminConnection, KeyPositions{}, clientNoEvictCommand},
    {"client|help", 2, kCmdLoading | kCmdStale, kConnection, KeyPositions{}, clientHelpCommand},
};

constexpr CommandSpec kConnectionCommands[] = {
    {"select", 2, kCmdLoading | kCmdStale | kCmdFast, kAclFast | kAclConnection, KeyPositions{}, selectCommand},
    {"auth", -2, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth, kAclFast | kAclConnection,
     KeyPositions{}, authCommand},
    {"hello", -1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth, kAclFast | kAclConnection,
     KeyPositions{}, helloCommand},
    {"reset", 1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth, kAclFast | kAclConnection,
     KeyPositions{}, resetCommand},
    {"quit", -1, kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth, kAclFast | kAclConnection,
     KeyPositions{}, quitCommand},
    {"client", -2, 0, kAclSlow, KeyPositions{}, nullptr, kClientSubcommands},
};

}  // namespace

std::span<const CommandSpec> connectionCommands() { return kConnectionCommands; }

}  // namespace ember
