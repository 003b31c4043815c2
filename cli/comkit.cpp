// cli/comkit.cpp - the `comkit` command: managing class registrations
// (register, unregister, list, inspect) and the IDL compiler (idl,
// in idl_command.cpp).
//
// Exit codes, for scripts: 0 success, 1 the operation failed (a missing
// file, a library that is not a server, an unregistered class ...), 2 the
// command line was wrong.
#include "typelib_data.h"
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <comkit/comkit.h>

extern const char* const idl_help_text;
int cmd_idl(const std::vector<std::string_view>& args);
int cmd_call(const std::vector<std::string_view>& args);
extern const char* const call_help_text;

namespace {

constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;

const char* const usage_text =
    "usage: comkit COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  register LIB.so|PROGRAM [--user|--system]   run the server's DllRegisterServer (a local server: PROGRAM -RegServer)\n"
    "  unregister LIB.so|CLSID|PROGID [--user|--system]\n"
    "                                      remove a server's or one class's registration\n"
    "  list                                every registered class\n"
    "  inspect CLSID|PROGID                a class's registration, and whether it loads\n"
    "  inspect FILE.tlb                    a type library's contents\n"
    "  call CLASS MEMBER [ARG...]          call a member late-bound (IDispatch), print the result\n"
    "  idl FILE.idl [OPTIONS]              compile MIDL into C/C++ headers and IID definitions\n"
    "  help [COMMAND]                      this text, or a command's\n"
    "\n"
    "The registry is the manifest files under $XDG_DATA_HOME/comkit/registry (user),\n"
    "$XDG_DATA_DIRS/comkit/registry and /etc/comkit/registry (system), or the\n"
    "directories in $COMKIT_REGISTRY_PATH when it is set.\n"
    "Exit codes: 0 success, 1 the operation failed, 2 bad command line.\n";

const char* command_help(std::string_view cmd) {
  if (cmd == "register")
    return "usage: comkit register LIB.so|PROGRAM [--user|--system]\n"
           "Loads LIB.so and calls its DllRegisterServer, or runs PROGRAM -RegServer (a local\n"
           "server), which writes the server's manifest: for the user (default) or for the\n"
           "system (/etc/comkit/registry, needs root; every user's activations then start\n"
           "their own server from it).\n";
  if (cmd == "unregister")
    return "usage: comkit unregister LIB.so|CLSID|PROGID [--user|--system]\n"
           "LIB.so: calls its DllUnregisterServer (or removes its manifest when it cannot be\n"
           "loaded). CLSID ({...}) or ProgID: removes that one class from its manifest.\n";
  if (cmd == "list") return "usage: comkit list\nPrints every registered class: CLSID, ProgID, threading model, server.\n";
  if (cmd == "inspect")
    return "usage: comkit inspect CLSID|PROGID|FILE.tlb\n"
           "Prints the class's registration, loads its server, and lists the interfaces its\n"
           "class object answers. Exit code 1 when it is not registered or does not load.\n";
  if (cmd == "idl") return idl_help_text;
  if (cmd == "call") return call_help_text;
  return nullptr;
}

std::string message(HRESULT hr) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%08X", static_cast<unsigned>(hr));
  return std::string(code) + " (" + comkit::hresult_message(hr) + ")";
}

std::u16string utf16(std::string_view s) {
  std::size_t need = 0;
  if (FAILED(ComkitUtf8ToUtf16(s.data(), s.size(), nullptr, 0, &need))) return {};
  std::u16string out(need, u'\0');
  ComkitUtf8ToUtf16(s.data(), s.size(), out.data(), out.size(), &need);
  return out;
}

/// CLSID from "{...}" text or a ProgID.
bool resolve_class(std::string_view arg, CLSID& clsid) {
  if (!arg.empty() && arg.front() == '{') {
    const auto g = comkit::parse_guid(arg);
    if (!g) return false;
    clsid = *g;
    return true;
  }
  return CLSIDFromProgID(utf16(arg).c_str(), &clsid) == S_OK;
}

struct class_row {
  std::string clsid, progid, threading, server, description, manifest, vi_progid;
  bool local = false;  // a local server (an executable)
};

std::vector<class_row> all_classes() {
  std::vector<class_row> rows;
  ComkitEnumRegisteredClasses(
      [](const COMKIT_REGISTERED_CLASS* c, void* ctx) -> BOOL {
        static_cast<std::vector<class_row>*>(ctx)->push_back(
            {comkit::to_string(c->clsid), c->progid, c->threading_model, c->server_path, c->description,
             c->manifest_path, c->version_independent_progid, std::strcmp(c->server_kind, "local-server") == 0});
        return TRUE;
      },
      &rows);
  return rows;
}

int parse_scope(const std::vector<std::string_view>& args, std::size_t from, DWORD& scope) {
  scope = COMKIT_REGISTER_USER;
  for (std::size_t i = from; i < args.size(); ++i) {
    if (args[i] == "--user")
      scope = COMKIT_REGISTER_USER;
    else if (args[i] == "--system")
      scope = COMKIT_REGISTER_SYSTEM;
    else {
      std::fprintf(stderr, "comkit: unknown option '%.*s'\n", static_cast<int>(args[i].size()), args[i].data());
      return exit_usage;
    }
  }
  return exit_ok;
}

/// Loads LIB and returns its export `name`; prints the reason and returns
/// null when it cannot.
void* load_export(const std::string& lib, const char* name, void*& handle) {
  struct stat st;
  if (::stat(lib.c_str(), &st) != 0) {
    std::fprintf(stderr, "comkit: %s: no such file\n", lib.c_str());
    return nullptr;
  }
  char full[PATH_MAX];
  handle = ::dlopen(::realpath(lib.c_str(), full) ? full : lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "comkit: %s: cannot load: %s\n", lib.c_str(), ::dlerror());
    return nullptr;
  }
  void* fn = ::dlsym(handle, name);
  if (!fn) {
    std::fprintf(stderr, "comkit: %s: does not export %s (not a COM in-process server?)\n", lib.c_str(), name);
    ::dlclose(handle);
    handle = nullptr;
  }
  return fn;
}

/// An ELF program (an executable, not a shared library): a local server,
/// registered by running it with -RegServer, as Windows' are.
bool is_program(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  Elf64_Ehdr eh{};
  bool program = false;
  if (::pread(fd, &eh, sizeof eh, 0) == static_cast<ssize_t>(sizeof eh) && std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
      eh.e_ident[EI_CLASS] == ELFCLASS64) {
    if (eh.e_type == ET_EXEC) {
      program = true;
    } else if (eh.e_type == ET_DYN && eh.e_phentsize == sizeof(Elf64_Phdr)) {
      for (unsigned i = 0; i < eh.e_phnum && !program; ++i) {  // a position-independent executable has an interpreter
        Elf64_Phdr ph{};
        if (::pread(fd, &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + i * sizeof ph)) != static_cast<ssize_t>(sizeof ph)) break;
        program = ph.p_type == PT_INTERP;
      }
    }
  }
  ::close(fd);
  return program && ::access(path.c_str(), X_OK) == 0;
}

/// Runs a local server with one argument (-RegServer, -UnregServer); its exit status.
// Runs a local server with `arg` (-RegServer, -UnregServer), telling it
// the registration scope through $COMKIT_REGISTRATION_SCOPE.
int run_server(const std::string& path, const char* arg, DWORD scope) {
  std::string exe = path, a = arg;
  char* argv[] = {exe.data(), a.data(), nullptr};
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "COMKIT_REGISTRATION_SCOPE=", 26) != 0) env_text.emplace_back(*e);
  env_text.emplace_back(scope == COMKIT_REGISTER_SYSTEM ? "COMKIT_REGISTRATION_SCOPE=system" : "COMKIT_REGISTRATION_SCOPE=user");
  std::vector<char*> env;
  for (std::string& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv, env.data()) != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cmd_register(const std::vector<std::string_view>& args) {
  if (args.size() < 2) {
    std::fputs(command_help("register"), stderr);
    return exit_usage;
  }
  DWORD scope;
  if (int rc = parse_scope(args, 2, scope)) return rc;
  const std::string lib(args[1]);
  if (is_program(lib)) {
    if (const int rc = run_server(lib, "-RegServer", scope); rc != 0) {
      std::fprintf(stderr, "comkit: %s -RegServer failed (exit status %d)\n", lib.c_str(), rc);
      return exit_failed;
    }
  } else {
    void* handle = nullptr;
    auto fn = reinterpret_cast<HRESULT(STDAPICALLTYPE*)()>(load_export(lib, "DllRegisterServer", handle));  // ABI: C entry point
    if (!fn) return exit_failed;
    ComkitSetDefaultRegistrationScope(scope);
    const HRESULT hr = fn();
    ::dlclose(handle);
    if (FAILED(hr)) {
      std::fprintf(stderr, "comkit: %s: DllRegisterServer failed: %s\n", lib.c_str(), message(hr).c_str());
      return exit_failed;
    }
  }
  ComkitRegistryRefresh();
  char full[PATH_MAX];
  const std::string path = ::realpath(lib.c_str(), full) ? full : lib;
  int n = 0;
  for (const class_row& r : all_classes())
    if (r.server == path) {
      std::printf("registered %s %s\n", r.clsid.c_str(), r.progid.c_str());
      ++n;
    }
  std::printf("%s: %d class%s registered\n", lib.c_str(), n, n == 1 ? "" : "es");
  // The type library the server embeds, which DllRegisterServer registers.
  ITypeLib* tlb = nullptr;
  const std::u16string wide = utf16(path);
  if (LoadTypeLibEx(reinterpret_cast<LPCOLESTR>(wide.c_str()), REGKIND_NONE, &tlb) == S_OK) {
    TLIBATTR* attr = nullptr;
    if (SUCCEEDED(tlb->GetLibAttr(&attr))) {
      std::printf("type library %s %u.%u\n", comkit::to_string(attr->guid).c_str(), attr->wMajorVerNum, attr->wMinorVerNum);
      tlb->ReleaseTLibAttr(attr);
    }
    tlb->Release();
  }
  return exit_ok;
}

int cmd_unregister(const std::vector<std::string_view>& args) {
  if (args.size() < 2) {
    std::fputs(command_help("unregister"), stderr);
    return exit_usage;
  }
  DWORD scope;
  if (int rc = parse_scope(args, 2, scope)) return rc;
  const std::string target(args[1]);
  const bool is_path = target.find('/') != std::string::npos || target.ends_with(".so");
  if (!is_path) {
    CLSID clsid;
    if (!resolve_class(target, clsid)) {
      std::fprintf(stderr, "comkit: %s: not a registered class (give a {CLSID}, a ProgID or a LIB.so path)\n",
                   target.c_str());
      return exit_failed;
    }
    const HRESULT hr = ComkitUnregisterClass(clsid);
    if (FAILED(hr)) {
      std::fprintf(stderr, "comkit: %s: %s\n", target.c_str(), message(hr).c_str());
      return exit_failed;
    }
    std::printf("unregistered %s\n", comkit::to_string(clsid).c_str());
    return exit_ok;
  }
  ComkitSetDefaultRegistrationScope(scope);
  void* handle = nullptr;
  HRESULT hr;
  if (is_program(target)) {
    if (const int rc = run_server(target, "-UnregServer", scope); rc != 0) {
      std::fprintf(stderr, "comkit: %s -UnregServer failed (exit status %d)\n", target.c_str(), rc);
      return exit_failed;
    }
    hr = S_OK;
  } else if (auto fn = reinterpret_cast<HRESULT(STDAPICALLTYPE*)()>(load_export(target, "DllUnregisterServer", handle))) {
    hr = fn();
    ::dlclose(handle);
  } else {
    std::fprintf(stderr, "comkit: removing the manifest of %s directly\n", target.c_str());
    char full[PATH_MAX];
    hr = ComkitUnregisterServer(::realpath(target.c_str(), full) ? full : target.c_str(), scope);
  }
  if (FAILED(hr)) {
    std::fprintf(stderr, "comkit: %s: %s\n", target.c_str(), message(hr).c_str());
    return exit_failed;
  }
  std::printf("%s: %s\n", target.c_str(), hr == S_FALSE ? "was not registered" : "unregistered");
  return exit_ok;
}

int cmd_list(const std::vector<std::string_view>& args) {
  if (args.size() > 1) {
    std::fputs(command_help("list"), stderr);
    return exit_usage;
  }
  const auto rows = all_classes();
  std::size_t w_progid = 6, w_threading = 9;
  for (const class_row& r : rows) {
    w_progid = std::max(w_progid, r.progid.size());
    w_threading = std::max(w_threading, r.threading.size());
  }
  std::printf("%-38s  %-*s  %-*s  %s\n", "CLSID", static_cast<int>(w_progid), "ProgID", static_cast<int>(w_threading),
              "Threading", "Server");
  for (const class_row& r : rows)
    std::printf("%-38s  %-*s  %-*s  %s%s\n", r.clsid.c_str(), static_cast<int>(w_progid), r.progid.c_str(),
                static_cast<int>(w_threading), r.threading.c_str(), r.server.c_str(), r.local ? "  (local server)" : "");
  std::printf("%zu class%s registered\n", rows.size(), rows.size() == 1 ? "" : "es");
  return exit_ok;
}

struct known_interface {
  const char* name;
  GUID iid;
};

// `comkit inspect FILE`: a type library (any file that starts like one) as text.
int inspect_typelib(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return -1;
  std::vector<std::uint8_t> image;
  std::uint8_t buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) image.insert(image.end(), buffer, buffer + n);
  std::fclose(f);
  if (!comkit::typelib::looks_like_msft(image)) return -1;
  comkit::typelib::library lib;
  if (const HRESULT hr = comkit::typelib::read_msft(image, lib); FAILED(hr)) {
    std::fprintf(stderr, "comkit: %s: not a readable type library (0x%08lx)\n", path.c_str(), static_cast<unsigned long>(hr));
    return exit_failed;
  }
  std::fputs(comkit::typelib::dump(lib).c_str(), stdout);
  return exit_ok;
}

int cmd_inspect(const std::vector<std::string_view>& args) {
  if (args.size() != 2) {
    std::fputs(command_help("inspect"), stderr);
    return exit_usage;
  }
  if (const int status = inspect_typelib(std::string(args[1])); status >= 0) return status;
  CLSID clsid;
  if (!resolve_class(args[1], clsid)) {
    std::fprintf(stderr, "comkit: %.*s: not registered\n", static_cast<int>(args[1].size()), args[1].data());
    return exit_failed;
  }
  const std::string id = comkit::to_string(clsid);
  const class_row* row = nullptr;
  const auto rows = all_classes();
  for (const class_row& r : rows)
    if (r.clsid == id) row = &r;
  if (!row) {
    std::fprintf(stderr, "comkit: %s: not registered\n", id.c_str());
    return exit_failed;
  }
  std::printf("CLSID:            %s\n", row->clsid.c_str());
  std::printf("ProgID:           %s\n", row->progid.c_str());
  std::printf("VI ProgID:        %s\n", row->vi_progid.c_str());
  std::printf("Threading model:  %s\n", row->threading.c_str());
  std::printf("Description:      %s\n", row->description.c_str());
  std::printf("Server:           %s\n", row->server.c_str());
  std::printf("Manifest:         %s\n", row->manifest.c_str());
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  IUnknown* object = nullptr;
  const HRESULT hr = CoGetClassObject(clsid, CLSCTX_INPROC_SERVER, nullptr, IID_IUnknown, reinterpret_cast<void**>(&object));
  if (FAILED(hr)) {
    std::printf("Loads:            no, %s\n", message(hr).c_str());
    CoUninitialize();
    return exit_failed;
  }
  std::printf("Loads:            yes\n");
  const known_interface probes[] = {
      {"IUnknown", IID_IUnknown},
      {"IClassFactory", IID_IClassFactory},
      {"IClassFactory2", comkit::make_guid("B196B28F-BAB4-101A-B69C-00AA00341D07")},
      {"IMarshal", comkit::make_guid("00000003-0000-0000-C000-000000000046")},
      {"IStdMarshalInfo", comkit::make_guid("00000018-0000-0000-C000-000000000046")},
      {"IExternalConnection", comkit::make_guid("00000019-0000-0000-C000-000000000046")},
      {"IDispatch", comkit::make_guid("00020400-0000-0000-C000-000000000046")},
      {"IPersist", comkit::make_guid("0000010C-0000-0000-C000-000000000046")},
      {"ISupportErrorInfo", IID_ISupportErrorInfo},
      {"IWeakReferenceSource", IID_IWeakReferenceSource},
      {"IAgileObject", comkit::make_guid("94EA2B94-E9CC-49E0-C0FF-EE64CA8F5B90")},
  };
  std::printf("Class object answers:");
  for (const known_interface& k : probes) {
    IUnknown* p = nullptr;
    if (object->QueryInterface(k.iid, reinterpret_cast<void**>(&p)) == S_OK && p) {
      std::printf(" %s", k.name);
      p->Release();
    }
  }
  std::printf("\n");
  object->Release();
  IUnknown* instance = nullptr;
  const HRESULT created = CoCreateInstance(clsid, nullptr, CLSCTX_INPROC_SERVER, IID_IUnknown, reinterpret_cast<void**>(&instance));
  std::printf("Creates objects:  %s\n", SUCCEEDED(created) ? "yes" : message(created).c_str());
  if (instance) instance->Release();
  CoUninitialize();
  return SUCCEEDED(created) ? exit_ok : exit_failed;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || (args[0] == "help" && args.size() == 1)) {
    std::fputs(usage_text, args.empty() ? stderr : stdout);
    return args.empty() ? exit_usage : exit_ok;
  }
  if (args[0] == "help" || (args.size() > 1 && (args[1] == "--help" || args[1] == "-h"))) {
    const std::string_view cmd = args[0] == "help" ? args[1] : args[0];
    if (const char* h = command_help(cmd)) {
      std::fputs(h, stdout);
      return exit_ok;
    }
    std::fprintf(stderr, "comkit: no command '%.*s'\n%s", static_cast<int>(cmd.size()), cmd.data(), usage_text);
    return exit_usage;
  }
  if (args[0] == "--version") {
    std::printf("comkit %s\n", COMKIT_VERSION);
    return exit_ok;
  }
  if (args[0] == "register") return cmd_register(args);
  if (args[0] == "unregister") return cmd_unregister(args);
  if (args[0] == "list") return cmd_list(args);
  if (args[0] == "inspect") return cmd_inspect(args);
  if (args[0] == "idl") return cmd_idl(args);
  if (args[0] == "call") return cmd_call(args);
  std::fprintf(stderr, "comkit: no command '%.*s'\n%s", static_cast<int>(args[0].size()), args[0].data(), usage_text);
  return exit_usage;
}
