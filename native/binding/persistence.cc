// Persistence hooks of a store for the TypeScript layer: loading the
// snapshot or the append-only log at startup, and driving the log's
// writes and fsyncs (the front ends decide when: see append_log.h). Also
// checkAppendOnlyFile(), the validator behind emberkv-check-aof. Each
// function only converts between JS values and the core's calls.
#include <napi.h>

#include <memory>
#include <optional>
#include <string>

#include "core/aof_record.h"
#include "core/append_log.h"
#include "core/snapshot.h"
#include "core/store.h"
#include "persistence.h"
#include "store_handle.h"

namespace ember::binding {
namespace {

// The progress callback a load hook may be given as its first argument:
// `progress(doneBytes, totalBytes)` is called now and then during the
// load. An exception it throws is left pending and ends the reporting,
// not the load; the hook then returns with it.
class LoadProgress {
 public:
  LoadProgress(napi_env env, const Call& call) : env_(env) {
    if (call.argc > 0 && Napi::Value(env, call.args[0]).IsFunction()) {
      report_ = Napi::Value(env, call.args[0]).As<Napi::Function>();
    }
  }
  LoadProgressFn fn() {
    if (report_.IsEmpty()) return {};
    return [this](uint64_t done, uint64_t total) {
      if (env_.IsExceptionPending()) return;
      report_.Call({Napi::Number::New(env_, static_cast<double>(done)), Napi::Number::New(env_, static_cast<double>(total))});
    };
  }
  bool threw() const { return env_.IsExceptionPending(); }

 private:
  Napi::Env env_;
  Napi::Function report_;
};

// loadFromDisk(progress?): loads <dir>/<dbfilename> (CONFIG's) into the
// store, which must hold no keys: { ok, missing, keys, expired, bytes, ms,
// error } (`error` names the file and the offset of the first problem).
napi_value LoadFromDisk(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  LoadProgress progress(env, call);
  const SnapshotFileLoadResult result = call.handle->store->loadSnapshotFromDisk(progress.fn());
  if (progress.threw()) return nullptr;
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", result.ok);
  out.Set("missing", result.missing);
  out.Set("keys", static_cast<double>(result.keys_loaded));
  out.Set("expired", static_cast<double>(result.keys_expired));
  out.Set("bytes", static_cast<double>(result.bytes));
  out.Set("ms", static_cast<double>(result.duration_us) / 1000.0);
  out.Set("error", result.error);
  return out;
}

// killBackgroundSave(): ends a running BGSAVE child, removing its
// temporary file (before a shutdown's own SAVE, as Redis does).
napi_value KillBackgroundSave(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  call.handle->store->killBackgroundSave();
  return nullptr;
}

// loadAppendOnly(progress?): Store::loadAppendOnly, with progress as
// loadFromDisk's. Returns { ok, existed, snapshotKeys, keys, records,
// bytes, ms, warning, error }.
napi_value LoadAppendOnly(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  LoadProgress progress(env, call);
  const Store::AofLoadResult result = call.handle->store->loadAppendOnly(progress.fn());
  if (progress.threw()) return nullptr;
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", result.ok);
  out.Set("existed", result.existed);
  out.Set("snapshotKeys", static_cast<double>(result.snapshot_keys));
  out.Set("keys", static_cast<double>(result.keys));
  out.Set("records", static_cast<double>(result.records));
  out.Set("bytes", static_cast<double>(result.bytes));
  out.Set("ms", static_cast<double>(result.duration_us) / 1000.0);
  out.Set("warning", result.warning);
  out.Set("error", result.error);
  return out;
}

// aofWrite(): writes the log's pending records (write(2), no fsync);
// false if that failed (INFO's aof_last_write_status then says err).
napi_value AofWrite(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  AppendLog& log = call.handle->store->appendLog();
  bool ok = !log.isOpen() || log.writePending();
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

// aofState(): { open, appended, written, durable, pending, syncing,
// fsync, error }: sequence numbers of records (append_log.h), and the
// appendfsync policy.
napi_value AofState(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  Store& store = *call.handle->store;
  AppendLog& log = store.appendLog();
  Napi::Object out = Napi::Object::New(env);
  out.Set("open", log.isOpen());
  out.Set("appended", static_cast<double>(log.appendedSeq()));
  out.Set("written", static_cast<double>(log.writtenSeq()));
  out.Set("durable", static_cast<double>(log.durableSeq()));
  out.Set("pending", static_cast<double>(log.pendingBytes()));
  out.Set("syncing", log.syncRunning());
  out.Set("fsync", store.config().appendfsync);
  out.Set("error", log.lastWriteError());
  return out;
}

// aofAppended(): the number of records appended so far (cheap: the server
// reads it after every call to know what a reply waits for).
napi_value AofAppended(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  napi_value out;
  napi_create_double(env, static_cast<double>(call.handle->store->appendLog().appendedSeq()), &out);
  return out;
}

// fsyncs the log off the main thread (libuv's pool): AppendLog::runSync.
class SyncWorker final : public Napi::AsyncWorker {
 public:
  SyncWorker(Napi::Env env, SharedHandle handle, AppendLog::SyncTicket ticket)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), handle_(std::move(handle)),
        ticket_(ticket) {}

  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override { AppendLog::runSync(ticket_); }
  void OnOK() override {
    Napi::Env env = Env();
    Store* store = handle_->store.get();  // null once the engine is closed
    if (!store) {
      deferred_.Resolve(Napi::Number::New(env, static_cast<double>(ticket_.seq)));
      return;
    }
    store->appendLog().endSync(ticket_);
    if (ticket_.error) {
      deferred_.Reject(Napi::Error::New(env, "emberkv: " + store->appendLog().lastWriteError()).Value());
      return;
    }
    deferred_.Resolve(Napi::Number::New(env, static_cast<double>(store->appendLog().durableSeq())));
  }

 private:
  Napi::Promise::Deferred deferred_;
  SharedHandle handle_;
  AppendLog::SyncTicket ticket_;
};

// aofSync(): writes the pending records, then fsyncs everything written
// off the main thread. Resolves with the durable sequence number (at once
// if there is nothing to sync or a sync is already running: the caller
// tries again when that one ends); rejects if the write or fsync failed.
napi_value AofSync(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  size_t argc = 0;
  napi_get_cb_info(env, info, &argc, nullptr, nullptr, &data);
  SharedHandle handle = *static_cast<SharedHandle*>(data);
  Napi::Env e(env);
  if (!handle->store) {
    Napi::Error::New(e, "emberkv: the engine is closed").ThrowAsJavaScriptException();
    return nullptr;
  }
  AppendLog& log = handle->store->appendLog();
  if (log.isOpen() && !log.writePending()) {
    auto deferred = Napi::Promise::Deferred::New(e);
    deferred.Reject(Napi::Error::New(e, "emberkv: " + log.lastWriteError()).Value());
    return deferred.Promise();
  }
  AppendLog::SyncTicket ticket = log.beginSync();
  if (ticket.fd < 0) {
    auto deferred = Napi::Promise::Deferred::New(e);
    deferred.Resolve(Napi::Number::New(e, static_cast<double>(log.durableSeq())));
    return deferred.Promise();
  }
  auto* worker = new SyncWorker(e, std::move(handle), ticket);  // deletes itself when done
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// aofGroupCommit(on): the caller holds replies until the log is durable
// (Store::setGroupCommit): with appendfsync always, records are then not
// fsync'd one by one on the main thread.
napi_value AofGroupCommit(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  bool on = false;
  if (call.argc > 0) napi_get_value_bool(env, call.args[0], &on);
  call.handle->store->setGroupCommit(on);
  return nullptr;
}

// stopAppendOnly(): stops a rewrite, writes and fsyncs, closes the log.
napi_value StopAppendOnly(napi_env env, napi_callback_info info) {
  Call call;
  if (!call.read(env, info)) return nullptr;
  call.handle->store->stopAppendOnly();
  return nullptr;
}

}  // namespace

std::span<const StoreMethod> persistenceMethods() {
  static const StoreMethod kMethods[] = {
      {"loadFromDisk", LoadFromDisk},
      {"killBackgroundSave", KillBackgroundSave},
      {"loadAppendOnly", LoadAppendOnly},
      {"aofWrite", AofWrite},
      {"aofState", AofState},
      {"aofAppended", AofAppended},
      {"aofSync", AofSync},
      {"aofGroupCommit", AofGroupCommit},
      {"stopAppendOnly", StopAppendOnly},
  };
  return kMethods;
}

// checkAppendOnlyFile(bytes): validates one incr file's content (a
// Buffer) as loading would: { outcome: 'ok' | 'truncated' | 'corrupt',
// records, goodEnd, errorOffset, error } (aof_record.h's rules, and
// every command must be one that can run).
Napi::Value CheckAppendOnlyFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    Napi::TypeError::New(env, "emberkv: checkAppendOnlyFile expects a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<char> bytes = info[0].As<Napi::Buffer<char>>();
  const AofScanResult scan = Store::scanAppendOnlyFile(ByteView(bytes.Data(), bytes.Length()));
  Napi::Object out = Napi::Object::New(env);
  using Outcome = AofScanResult::Outcome;
  out.Set("outcome", scan.outcome == Outcome::kOk ? "ok" : scan.outcome == Outcome::kTruncated ? "truncated" : "corrupt");
  out.Set("records", static_cast<double>(scan.records));
  out.Set("goodEnd", static_cast<double>(scan.good_end));
  out.Set("errorOffset", static_cast<double>(scan.error_offset));
  out.Set("error", scan.error);
  return out;
}

// checkSnapshotFile(bytes): validates a snapshot image (a base file or a
// dump) by loading it into a scratch store: { ok, keys, errorOffset, error }.
Napi::Value CheckSnapshotFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    Napi::TypeError::New(env, "emberkv: checkSnapshotFile expects a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<char> bytes = info[0].As<Napi::Buffer<char>>();
  auto scratch = std::make_unique<Store>();
  scratch->clock().expiry_paused = true;  // count every key the image holds
  const SnapshotLoadResult loaded = loadSnapshot(ByteView(bytes.Data(), bytes.Length()), *scratch);
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", loaded.ok);
  out.Set("keys", static_cast<double>(loaded.keys_loaded + loaded.keys_expired));
  out.Set("errorOffset", static_cast<double>(loaded.error_offset));
  out.Set("error", loaded.error);
  return out;
}

// parseAofManifest(text): a manifest's files, { files: [{ name, seq,
// base }] }, or { error } (AofManifest::parse: the loader's rules).
Napi::Value ParseAofManifest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "emberkv: parseAofManifest expects a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string text = info[0].As<Napi::String>().Utf8Value();
  std::string error;
  std::optional<AofManifest> manifest = AofManifest::parse(text, &error);
  Napi::Object out = Napi::Object::New(env);
  if (!manifest) {
    out.Set("error", error);
    return out;
  }
  Napi::Array files = Napi::Array::New(env, manifest->files.size());
  for (size_t i = 0; i < manifest->files.size(); i++) {
    const AofFileInfo& f = manifest->files[i];
    Napi::Object file = Napi::Object::New(env);
    file.Set("name", f.name);
    file.Set("seq", std::to_string(f.seq));
    file.Set("base", f.base);
    files.Set(static_cast<uint32_t>(i), file);
  }
  out.Set("files", files);
  return out;
}

}  // namespace ember::binding
