// The gRPC server's access-control path into a store (issue 7): who runs
// a call (UserScope, used by server_path.cc), verifying a secret off the
// main thread, channel checks for subscriptions, the audit events, and
// the ACL file's place. Each function only converts between JS values and
// the core's calls (core/acl.h, core/store.h).
#include <napi.h>

#include <optional>
#include <string>
#include <vector>

#include "access.h"
#include "core/secret_hash.h"
#include "core/store.h"
#include "store_handle.h"

namespace ember::binding {

namespace {

// The user a JS string names; a user deleted since the caller
// authenticated may run nothing. nullptr (with a JS exception pending) if
// `name` is not a string.
AccessControl::UserPtr userNamed(napi_env env, napi_value name, Store& store) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, name, nullptr, 0, &length) != napi_ok) {
    throwTypeError(env, "the user must be a string");
    return nullptr;
  }
  std::string text(length, '\0');
  napi_get_value_string_utf8(env, name, text.data(), length + 1, &length);
  AccessControl::UserPtr user = store.acl().find(text);
  return user ? user : AccessControl::deletedUser(text);
}

}  // namespace

bool UserScope::enter(napi_env env, napi_value name, Store& store) {
  AccessControl::UserPtr user = userNamed(env, name, store);
  if (!user) return false;
  as_.emplace(store, std::move(user));
  return true;
}

namespace {

// A hash no secret matches in practice: an unknown user's secret is
// checked against it, so that the answer takes as long as for a real one
// (how long it takes does not tell which user names exist).
const std::string& decoyHash() {
  static const std::string hash = [] {
    std::string error;
    return hashSecret("emberkv decoy secret", error).value_or("");
  }();
  return hash;
}

// Checks a secret against a user's hashes on libuv's pool.
class VerifyWorker final : public Napi::AsyncWorker {
 public:
  VerifyWorker(Napi::Env env, std::vector<std::string> hashes, std::string secret, bool known)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), hashes_(std::move(hashes)),
        secret_(std::move(secret)), known_(known) {}

  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    for (const std::string& hash : hashes_) {
      if (secretMatches(hash, secret_)) matched_ = true;  // every hash is tried: no early exit to time
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::Boolean::New(Env(), matched_ && known_)); }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<std::string> hashes_;
  std::string secret_;
  bool known_;
  bool matched_ = false;
};

// authenticate(user, secret): a Promise of whether `secret` is a secret of
// `user` and the user is on (a nopass user takes any secret). The hashes
// are copied, so the store may change while the check runs.
Napi::Value Authenticate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (!handle->store) {
    Napi::Error::New(env, "emberkv: the engine is closed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "authenticate(user, secret): two strings").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AccessControl::UserPtr user = handle->store->acl().find(info[0].As<Napi::String>().Utf8Value());
  if (user && user->enabled && user->nopass) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(Napi::Boolean::New(env, true));
    return deferred.Promise();
  }
  const bool known = user && user->enabled && !user->secrets.empty();
  std::vector<std::string> hashes = known ? user->secrets : std::vector<std::string>{decoyHash()};
  auto* worker = new VerifyWorker(env, std::move(hashes), info[1].As<Napi::String>().Utf8Value(), known);
  Napi::Promise promise = worker->promise();
  worker->Queue();  // deletes itself when done
  return promise;
}

// aclGeneration(): changes whenever any user changes (the server's cache
// of authenticated credentials is current while it stays the same).
Napi::Value AclGeneration(const Napi::CallbackInfo& info) {
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  const double generation = handle->store ? static_cast<double>(handle->store->acl().generation()) : 0;
  return Napi::Number::New(info.Env(), generation);
}

// userStatus(user): 'open' (on, and nopass: no secret needed), 'on',
// 'off' or 'missing'.
Napi::Value UserStatus(const Napi::CallbackInfo& info) {
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (!handle->store || info.Length() < 1 || !info[0].IsString()) return Napi::String::New(info.Env(), "missing");
  AccessControl::UserPtr user = handle->store->acl().find(info[0].As<Napi::String>().Utf8Value());
  const char* status = !user ? "missing" : !user->enabled ? "off" : user->nopass ? "open" : "on";
  return Napi::String::New(info.Env(), status);
}

// setCurrentUser(user | null): the user the next commands of any kind
// (exec, execBuffer: the typed RPCs) run as, until set again.
Napi::Value SetCurrentUser(const Napi::CallbackInfo& info) {
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (!handle->store) return info.Env().Undefined();
  if (info.Length() < 1 || info[0].IsNull() || info[0].IsUndefined()) {
    handle->store->setCurrentUser(nullptr);
  } else if (AccessControl::UserPtr user = userNamed(info.Env(), info[0], *handle->store)) {
    handle->store->setCurrentUser(std::move(user));
  }
  return info.Env().Undefined();
}

// checkChannels(user, channels, patterns): the NOPERM text for the first
// channel (Buffer) or pattern the user may not subscribe to, or null.
Napi::Value CheckChannels(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (!handle->store || info.Length() < 3 || !info[0].IsString() || !info[1].IsArray() || !info[2].IsArray()) {
    Napi::TypeError::New(env, "checkChannels(user, channels, patterns)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AccessControl::UserPtr user = userNamed(env, info[0], *handle->store);
  for (uint32_t list = 1; list <= 2; list++) {
    Napi::Array names = info[list].As<Napi::Array>();
    for (uint32_t i = 0; i < names.Length(); i++) {
      Napi::Value element = names.Get(i);
      if (!element.IsBuffer()) {
        Napi::TypeError::New(env, "checkChannels: each channel must be a Buffer").ThrowAsJavaScriptException();
        return env.Undefined();
      }
      Napi::Buffer<char> bytes = element.As<Napi::Buffer<char>>();
      std::optional<AclDenial> denial =
          handle->store->acl().checkChannel(*user, ByteView(bytes.Data(), bytes.Length()), list == 2);
      if (denial) return Napi::String::New(env, denial->message);
    }
  }
  return env.Null();
}

// takeAuditEvents(): the audit events since the last call, as
// [user, command, denied ('' for an admin command that ran)], or null.
Napi::Value TakeAuditEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (!handle->store) return env.Null();
  std::vector<Store::AuditEvent> events = handle->store->takeAuditEvents();
  if (events.empty()) return env.Null();
  Napi::Array out = Napi::Array::New(env, events.size());
  for (size_t i = 0; i < events.size(); i++) {
    Napi::Array event = Napi::Array::New(env, 3);
    event.Set(0u, events[i].user);
    event.Set(1u, events[i].command);
    event.Set(2u, events[i].denied);
    out.Set(static_cast<uint32_t>(i), event);
  }
  return out;
}

// setAuditing(on): whether the store keeps audit events (the server's).
Napi::Value SetAuditing(const Napi::CallbackInfo& info) {
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (handle->store) handle->store->setAuditing(info.Length() > 0 && info[0].ToBoolean());
  return info.Env().Undefined();
}

// setAclFile(path): the ACL file (Redis's aclfile, immutable to CONFIG SET).
Napi::Value SetAclFile(const Napi::CallbackInfo& info) {
  StoreHandle* handle = static_cast<SharedHandle*>(info.Data())->get();
  if (handle->store && info.Length() > 0 && info[0].IsString()) {
    const std::string path = info[0].As<Napi::String>().Utf8Value();
    handle->store->updateConfig([&](StoreConfig& config) { config.aclfile = path; });
  }
  return info.Env().Undefined();
}

// A StoreMethod's plain callback around a node-addon-api function.
template <Napi::Value (*kFunction)(const Napi::CallbackInfo&)>
napi_value adapt(napi_env env, napi_callback_info info) {
  Napi::CallbackInfo callback_info(env, info);
  return kFunction(callback_info);
}

}  // namespace

std::span<const StoreMethod> accessMethods() {
  static const StoreMethod kMethods[] = {
      {"authenticate", adapt<Authenticate>},       {"aclGeneration", adapt<AclGeneration>},
      {"userStatus", adapt<UserStatus>},           {"checkChannels", adapt<CheckChannels>},
      {"takeAuditEvents", adapt<TakeAuditEvents>}, {"setAuditing", adapt<SetAuditing>},
      {"setAclFile", adapt<SetAclFile>},           {"setCurrentUser", adapt<SetCurrentUser>},
  };
  return kMethods;
}

}  // namespace ember::binding
