# node-gyp build of the same addon that CMakeLists.txt builds with cmake-js.
# The source list is read from native/sources.txt, shared with CMake, so the
# two builds cannot drift.
{
  "targets": [
    {
      "target_name": "emberkv",
      "sources": [
        "<!@(node -e \"require('fs').readFileSync('native/sources.txt','utf8').split(/\\r?\\n/).map(l=>l.trim()).filter(l=>l&&!l.startsWith('#')).forEach(l=>console.log(l))\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "libraries": ["-lcrypt"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-O2", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
