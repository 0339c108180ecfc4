// Test helper: a fresh directory under /tmp, removed with everything in
// it when the TempDir goes (the persistence tests write files there).
#pragma once

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace ember::test {

// A fresh directory under /tmp, removed (with its files) when it goes.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/emberkv-test-XXXXXX";
    const char* made = mkdtemp(tmpl);
    if (!made) std::abort();
    path = made;
  }
  ~TempDir() { removeTree(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  static void removeTree(const std::string& p) {
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      if (DIR* d = opendir(p.c_str())) {
        while (dirent* e = readdir(d)) {
          std::string name = e->d_name;
          if (name != "." && name != "..") removeTree(p + "/" + name);
        }
        closedir(d);
      }
      rmdir(p.c_str());
    } else {
      unlink(p.c_str());
    }
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
  // The names in the directory, sorted.
  std::vector<std::string> list() const {
    std::vector<std::string> names;
    if (DIR* d = opendir(path.c_str())) {
      while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
      }
      closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

}  // namespace ember::test
