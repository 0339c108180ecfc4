// Unit tests of ListValue (list_value.h): random operations checked
// against a std::deque model under several chunk-size rules, with every
// invariant (chunk bounds, no empty chunk, counts, backlens) checked after
// each step; chunk splitting and merging; byte accounting; and the
// ready-key signal of the list pushes (Store::trackReadyKeys).
#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "core/list_value.h"
#include "core/numbers.h"
#include "core/store.h"

using namespace ember;

namespace {

std::vector<std::string> contents(const ListValue& l) {
  std::vector<std::string> out;
  char digits[kInt64DigitsMax];
  for (ListValue::Cursor c = l.begin(); c.valid(); c.next()) out.emplace_back(c.get().bytes(digits));
  return out;
}

std::vector<std::string> backwards(const ListValue& l) {
  std::vector<std::string> out;
  char digits[kInt64DigitsMax];
  for (ListValue::Cursor c = l.last(); c.valid(); c.prev()) out.emplace_back(c.get().bytes(digits));
  return out;
}

std::string randomValue(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0: return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
    case 1: return std::to_string(static_cast<int64_t>(rng()));
    case 2: return "-9223372036854775808";
    case 3: return std::string(rng() % 3, 'a' + static_cast<char>(rng() % 3));
    case 4: return std::string(100 + rng() % 200, 'x');
    case 5: return rng() % 20 == 0 ? std::string(5000 + rng() % 10000, 'L') : "007";
    case 6: return std::string("\0b", 2);
    default: return "v" + std::to_string(rng() % 5);
  }
}

void checkSame(const ListValue& l, const std::deque<std::string>& model) {
  REQUIRE_EQ(l.checkInvariants(), "");
  REQUIRE_EQ(l.size(), model.size());
  std::vector<std::string> got = contents(l);
  std::vector<std::string> want(model.begin(), model.end());
  REQUIRE(got == want);
  std::vector<std::string> back = backwards(l);
  std::reverse(want.begin(), want.end());
  REQUIRE(back == want);
}

void randomOps(int64_t fill, uint64_t seed, int steps) {
  MemoryCounter mem;
  {
    std::mt19937_64 rng(seed);
    ListValue* l = makeCollection<ListValue>(mem, fill);
    std::deque<std::string> model;
    for (int step = 0; step < steps; step++) {
      std::string v = randomValue(rng);
      size_t n = model.size();
      switch (rng() % 11) {
        case 0: case 1: l->pushFront(v); model.push_front(v); break;
        case 2: case 3: l->pushBack(v); model.push_back(v); break;
        case 4:
          if (n) { l->popFront(); model.pop_front(); }
          break;
        case 5:
          if (n) { l->popBack(); model.pop_back(); }
          break;
        case 6: {
          size_t at = rng() % (n + 1);
          l->insertAt(at, v);
          model.insert(model.begin() + static_cast<ptrdiff_t>(at), v);
          break;
        }
        case 7:
          if (n) {
            size_t at = rng() % n;
            l->setAt(at, v);
            model[at] = v;
          }
          break;
        case 8: {
          std::string target = "v" + std::to_string(rng() % 5);
          size_t limit = rng() % 4;
          bool tail = rng() % 2;
          size_t expected = 0;
          std::deque<std::string> kept;
          if (!tail) {
            for (auto& s : model) {
              if (s == target && (limit == 0 || expected < limit)) { expected++; continue; }
              kept.push_back(s);
            }
          } else {
            for (auto it = model.rbegin(); it != model.rend(); ++it) {
              if (*it == target && (limit == 0 || expected < limit)) { expected++; continue; }
              kept.push_front(*it);
            }
          }
          CHECK_EQ(l->removeEqual(target, limit, tail), expected);
          model = kept;
          break;
        }
        case 9:
          if (n && rng() % 8 == 0) {
            size_t k = rng() % (n + 1);
            if (rng() % 2) { l->removeFront(k); model.erase(model.begin(), model.begin() + static_cast<ptrdiff_t>(k)); }
            else { l->removeBack(k); model.erase(model.end() - static_cast<ptrdiff_t>(k), model.end()); }
          }
          break;
        default:
          if (n) {
            size_t at = rng() % n;
            char digits[kInt64DigitsMax];
            CHECK_EQ(std::string(l->at(at).get().bytes(digits)), model[at]);
          }
      }
      REQUIRE_EQ(l->checkInvariants(), "");
      if (step % 50 == 0) checkSame(*l, model);
    }
    checkSame(*l, model);
    Collection* copy = l->clone(l->storeMemory());
    checkSame(*static_cast<ListValue*>(copy), model);
    destroyCollection(copy);
    destroyCollection(l);
  }
  CHECK_EQ(mem.used, 0);  // every byte went through the counter and came back
}

}  // namespace

TEST(random_operations_match_a_deque_under_every_fill) {
  for (int64_t fill : {-2, -1, -5, 1, 2, 3, 5, 128}) {
    for (uint64_t seed = 1; seed <= 4; seed++) randomOps(fill, seed * 7919 + static_cast<uint64_t>(fill + 10), 3000);
  }
}

TEST(integers_round_trip_through_the_compact_encodings) {
  MemoryCounter mem;
  ListValue* l = makeCollection<ListValue>(mem, -2);
  std::vector<std::string> values = {"0", "127", "128", "-1", "-128", "-129", "32767", "-32768", "32768",
                                     "2147483647", "-2147483648", "2147483648", "9223372036854775807",
                                     "-9223372036854775808", "-0", "01", "+1", "9223372036854775808", ""};
  for (auto& v : values) l->pushBack(v);
  CHECK(contents(*l) == values);
  CHECK(l->at(0).get().is_int);
  CHECK(!l->at(14).get().is_int);  // "-0" is not canonical: kept as a string
  CHECK(l->at(13).get().equals("-9223372036854775808"));
  destroyCollection(l);
  CHECK_EQ(mem.used, 0);
}

TEST(count_bounded_chunks_split_and_merge) {
  MemoryCounter mem;
  ListValue* l = makeCollection<ListValue>(mem, 4);
  for (int i = 0; i < 16; i++) l->pushBack(std::to_string(i));
  CHECK_EQ(l->chunkCount(), 4u);  // 4 entries per chunk
  // An insert into a full chunk splits it; neighbours absorb what fits.
  l->insertAt(2, "new");
  CHECK_EQ(l->checkInvariants(), "");
  CHECK_EQ(l->size(), 17u);
  CHECK_EQ(std::string(l->at(2).get().str), "new");
  CHECK(l->chunkCount() >= 5u);
  // Removing most elements merges the remaining chunks back together.
  for (int i = 0; i < 16; i++) {
    if (i % 5 != 0) l->removeEqual(std::to_string(i), 0, i % 2);
  }
  CHECK_EQ(l->checkInvariants(), "");
  CHECK_EQ(l->size(), 5u);  // 0 5 10 15 and "new"
  CHECK_EQ(l->chunkCount(), 2u);
  destroyCollection(l);
  CHECK_EQ(mem.used, 0);
}

TEST(byte_bounded_chunks_hold_8k_and_big_elements_get_their_own) {
  MemoryCounter mem;
  ListValue* l = makeCollection<ListValue>(mem, -2);
  std::string hundred(100, 'h');
  for (int i = 0; i < 1000; i++) l->pushBack(hundred);  // 102 bytes each: 80 per 8 KiB chunk
  CHECK_EQ(l->chunkCount(), 13u);
  std::string big(20000, 'B');
  l->insertAt(500, big);
  CHECK_EQ(l->checkInvariants(), "");
  CHECK_EQ(std::string(l->at(500).get().str), big);
  l->setAt(10, big);
  CHECK_EQ(l->checkInvariants(), "");
  CHECK_EQ(std::string(l->at(10).get().str), big);
  l->removeFront(600);
  l->removeBack(300);
  CHECK_EQ(l->size(), 101u);
  CHECK_EQ(l->checkInvariants(), "");
  destroyCollection(l);
  CHECK_EQ(mem.used, 0);
}

TEST(pushes_signal_ready_keys) {
  Store store;
  ReplyBuilder out;
  auto run = [&](std::vector<ByteView> argv) {
    out.clear();
    store.execute(argv, out);
  };
  run({"LPUSH", "before", "x"});  // not tracked yet: nothing recorded
  store.trackReadyKeys(true);
  run({"LPUSH", "a", "1", "2"});
  run({"RPUSH", "b", "1"});
  run({"LPUSHX", "missing", "1"});  // pushes nothing: no signal
  run({"RPUSHX", "a", "3"});
  run({"LINSERT", "a", "BEFORE", "nope", "x"});  // pivot not found: no signal
  run({"LINSERT", "a", "AFTER", "1", "x"});
  run({"LMOVE", "b", "c", "LEFT", "RIGHT"});
  run({"RPOPLPUSH", "a", "d"});
  run({"LPOP", "a"});  // pops never signal
  std::vector<Store::ReadyKey> keys = store.takeReadyKeys();
  std::vector<std::string> names;
  for (auto& k : keys) {
    CHECK_EQ(k.db_index, 0);
    names.push_back(k.key);
  }
  CHECK((names == std::vector<std::string>{"a", "b", "a", "a", "c", "d"}));
  CHECK(store.takeReadyKeys().empty());
  store.trackReadyKeys(false);
  run({"LPUSH", "a", "1"});
  CHECK(store.takeReadyKeys().empty());
}
