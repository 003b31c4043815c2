// tests/compiler/compiler_test.cpp - the IDL compiler driven in-process:
// preprocessor, parser recovery, semantic checks, limits and the header's
// shape. Files come from an in-memory map, so every case is self-contained.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "compilation.h"
#include "compiler.h"
#include "model/model.h"

namespace {

using comkit::idl::compile;
using comkit::idl::compile_options;
using comkit::idl::compile_result;

// The smallest prelude that lets [object] interfaces check: IUnknown and
// the types its methods use.
const char* const prelude =
    "typedef long HRESULT; typedef unsigned long ULONG; typedef long LONG; typedef int BOOL;\n"
    "typedef struct _GUID { ULONG a; unsigned short b, c; byte d[8]; } GUID; typedef GUID IID;\n"
    "typedef IID *REFIID; typedef wchar_t *BSTR;\n"
    "[object, local, uuid(00000000-0000-0000-C000-000000000046)] interface IUnknown {\n"
    "  HRESULT QueryInterface([in] REFIID riid, [out] void **ppv); ULONG AddRef(); ULONG Release(); }\n";

// A file_reader over an in-memory map of path -> text.
comkit::idl::file_reader memory_reader(const std::map<std::string, std::string>& files, int* reads_of = nullptr,
                                       std::string counted = {}) {
  return [&files, reads_of, counted](const std::string& p) -> std::optional<std::string> {
    if (reads_of && p == counted) ++*reads_of;
    auto it = files.find(p);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
}

struct fixture {
  std::map<std::string, std::string> files;
  compile_result run(const std::string& main_text, std::vector<std::string> include_dirs = {}) {
    files["/src/main.idl"] = main_text;
    compile_options o;
    o.input = "/src/main.idl";
    o.pp.include_dirs = std::move(include_dirs);
    o.c_header = o.iid_source = o.cpp_header = o.proxy = true;
    o.caret = false;
    return compile(o, memory_reader(files));
  }
};

// Counts the occurrences of `needle` in `hay`.
std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TEST(IdlPreprocessor, ObjectAndFunctionLikeMacrosExpand) {
  fixture f;
  auto r = f.run(std::string(prelude) +
                 "#define N 4\n#define TWICE(x) ((x) * 2)\n#define CAT(a, b) a##b\n#define STR(x) #x\n"
                 "const int A = TWICE(N);\nconst int CAT(B, 1) = 3;\ncpp_quote(STR(hello world))\n");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& h = r.outputs["main.h"];
  EXPECT_NE(h.find("#define A (((4) * 2))"), std::string::npos) << h;
  EXPECT_NE(h.find("#define B1 (3)"), std::string::npos);
  EXPECT_NE(h.find("\nhello world\n"), std::string::npos);
}

TEST(IdlPreprocessor, ConditionalsFollowIntegerArithmetic) {
  fixture f;
  auto r = f.run(
      "#if (1 << 4) == 16 && defined(__midl) && !defined(NOPE)\nconst int YES = 1;\n#else\nconst int NO = 1;\n#endif\n"
      "#if 0\n#error never\n#elif 7 % 4 == 3\nconst int ELIF = 1;\n#endif\n"
      "#ifdef NOPE\nconst int X = 1;\n#elif -1 < 0u\nconst int UNSIGNED_WRONG = 1;\n#else\nconst int UNSIGNED_RIGHT = 1;\n#endif\n");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& h = r.outputs["main.h"];
  EXPECT_NE(h.find("YES"), std::string::npos);
  EXPECT_EQ(h.find("NO "), std::string::npos);
  EXPECT_NE(h.find("ELIF"), std::string::npos);
  // -1 < 0u compares as unsigned, as in C.
  EXPECT_NE(h.find("UNSIGNED_RIGHT"), std::string::npos);
  EXPECT_EQ(h.find("UNSIGNED_WRONG"), std::string::npos);
}

TEST(IdlPreprocessor, VariadicMacrosAndGnuCommaPaste) {
  fixture f;
  auto r = f.run("#define LIST(first, ...) first, ##__VA_ARGS__\ntypedef enum E { LIST(E_A), LIST(E_B, E_C) } E;\n");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  EXPECT_NE(r.outputs["main.h"].find("E_C"), std::string::npos);
}

TEST(IdlPreprocessor, IncludeSearchesTheFileDirectoryThenDashI) {
  fixture f;
  f.files["/src/local.h"] = "const int LOCAL = 1;\n";
  f.files["/inc/sys.h"] = "const int SYS = 2;\n";
  auto r = f.run("#include \"local.h\"\n#include <sys.h>\n", {"/inc"});
  ASSERT_TRUE(r.ok) << r.diagnostics;
  EXPECT_NE(r.outputs["main.h"].find("#define LOCAL (1)"), std::string::npos);
  EXPECT_NE(r.outputs["main.h"].find("#define SYS (2)"), std::string::npos);
}

TEST(IdlPreprocessor, SelfReferenceDoesNotRecurse) {
  fixture f;
  auto r = f.run("#define foo foo + 1\n#define a b\n#define b a\nconst int X = foo;\nconst int Y = a;\n");
  EXPECT_NE(r.diagnostics.find("unknown name 'foo'"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("unknown name 'a'"), std::string::npos) << r.diagnostics;
}

TEST(IdlPreprocessor, ExponentialExpansionStopsWithAnError) {
  fixture f;
  std::string text = "#define m0 x\n";
  for (int i = 1; i < 40; ++i) text += "#define m" + std::to_string(i) + " m" + std::to_string(i - 1) + " m" + std::to_string(i - 1) + "\n";
  text += "const int X = m39;\n";
  auto r = f.run(text);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("macro expansion produces too many tokens"), std::string::npos) << r.diagnostics;
}

TEST(IdlPreprocessor, RecursiveIncludeHitsTheDepthLimit) {
  fixture f;
  f.files["/src/self.h"] = "#include \"self.h\"\n";
  auto r = f.run("#include \"self.h\"\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("#include nested too deeply"), std::string::npos) << r.diagnostics;
}

TEST(IdlPreprocessor, DirectiveErrorsCarryTheirPosition) {
  fixture f;
  auto r = f.run("#if 1\n#error stop here\n#bogus\n#if 1 +\n#endif\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("/src/main.idl:2:1: error: #error stop here"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("/src/main.idl:3:2: error: unknown directive '#bogus'"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("/src/main.idl:4:"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("/src/main.idl:1:2: error: unterminated #if"), std::string::npos) << r.diagnostics;
}

TEST(IdlParser, KeepsGoingAfterErrors) {
  fixture f;
  auto r = f.run(std::string(prelude) +
                 "typedef struct A { int x } A;\n"      // missing ';'
                 "typedef struct B { int y; } B;\n"
                 "const int = 3;\n"                      // missing name
                 "typedef UNKNOWN_T C;\n");
  EXPECT_FALSE(r.ok);
  EXPECT_GE(r.errors, 3u) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("main.idl:6:26: error: expected ';' after the field, found '}'"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("unknown type 'UNKNOWN_T'"), std::string::npos) << r.diagnostics;
  EXPECT_TRUE(r.outputs.empty()) << "nothing is emitted when there are errors";
}

TEST(IdlParser, DiagnosticsShowTheLineAndACaret) {
  fixture f;
  compile_options o;
  f.files["/src/main.idl"] = "typedef struct S {\n    nosuchtype x;\n} S;\n";
  o.input = "/src/main.idl";
  o.c_header = true;
  auto r = compile(o, [&](const std::string& p) -> std::optional<std::string> { return f.files.count(p) ? std::optional(f.files[p]) : std::nullopt; });
  EXPECT_EQ(r.diagnostics, "/src/main.idl:2:5: error: unknown type 'nosuchtype'\n      nosuchtype x;\n      ^\n");
}

TEST(IdlParser, DeepNestingIsAnErrorNotACrash) {
  fixture f;
  std::string deep = "const int X = " + std::string(100000, '(') + "1" + std::string(100000, ')') + ";\n";
  auto r = f.run(deep);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("nested too deeply"), std::string::npos) << r.diagnostics.substr(0, 500);
  std::string structs;
  for (int i = 0; i < 5000; ++i) structs += "struct s" + std::to_string(i) + " {";
  auto r2 = f.run("typedef " + structs + ";\n");
  EXPECT_FALSE(r2.ok);
}

TEST(IdlCheck, SemanticErrorsHaveClearMessages) {
  fixture f;
  auto r = f.run(std::string(prelude) +
                 "[object, uuid(11111111-0000-0000-0000-000000000001)] interface IA : IUnknown {\n"
                 "  HRESULT M1([out, retval] LONG *a, [in] int b);\n"                 // retval not last
                 "  HRESULT M2([in] LONG a, [out, retval] LONG b);\n"                 // out not a pointer (warning)
                 "  HRESULT M3([in, size_is(count)] LONG *a, [in] int n);\n"          // unknown size_is name
                 "  HRESULT M4([retval] LONG *a);\n"                                  // retval without out
                 "}\n"
                 "[object, uuid(11111111-0000-0000-0000-000000000001)] interface IB : IUnknown { }\n"  // duplicate IID
                 "[object, uuid(11111111-0000-0000-0000-000000000003)] interface IC { }\n"            // no IUnknown
                 "[object, uuid(11111111-0000-0000-0000-000000000004)] interface ID : INope { }\n"    // unknown base
                 "[object, uuid(1111111-0000-0000-0000-000000000005)] interface IE : IUnknown { }\n"  // bad GUID
                 "[object, uuid(11111111-0000-0000-0000-000000000006), frobnicate] interface IF : IUnknown { }\n");
  const std::string& d = r.diagnostics;
  EXPECT_FALSE(r.ok);
  // What widl accepts is a warning (an error only with -Werror).
  EXPECT_NE(d.find("warning: [retval] parameter 'a' of 'IA::M1' is not the last parameter"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: [out] parameter 'b' of 'IA::M2' is not a pointer"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: [size_is] refers to 'count', which is not a parameter of 'IA::M3'"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: [retval] parameter 'a' of 'IA::M4' is not [out]"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: interface 'IB' has the same IID as 'IA'"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: [object] interface 'IC' does not derive from IUnknown"), std::string::npos) << d;
  EXPECT_NE(d.find("interface 'ID' derives from unknown interface 'INope'"), std::string::npos) << d;
  EXPECT_NE(d.find("malformed GUID '1111111-0000-0000-0000-000000000005'"), std::string::npos) << d;
  EXPECT_NE(d.find("warning: unknown attribute [frobnicate] ignored"), std::string::npos) << d;
}

TEST(IdlCheck, InheritanceCyclesAndRedefinitions) {
  fixture f;
  auto r = f.run(std::string(prelude) +
                 "interface IY;\n"
                 "[object, uuid(22222222-0000-0000-0000-000000000001)] interface IX : IY { }\n"
                 "[object, uuid(22222222-0000-0000-0000-000000000002)] interface IY : IX { }\n"
                 "typedef int T; typedef long T;\n");
  EXPECT_NE(r.diagnostics.find("inherits from itself"), std::string::npos) << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("redefinition of 'T'"), std::string::npos) << r.diagnostics;
}

TEST(IdlEmit, ObjectInterfaceHasVtblMacrosAndIid) {
  fixture f;
  auto r = f.run(std::string(prelude) +
                 "[object, uuid(33333333-4444-5555-6666-777777777777)] interface IThing : IUnknown {\n"
                 "  [propget] HRESULT Name([out, retval] BSTR *v);\n"
                 "  [propput] HRESULT Name([in] BSTR v);\n"
                 "  [local] HRESULT Do([in] int x);\n"
                 "  [call_as(Do)] HRESULT RemoteDo([in] int x);\n"
                 "}\n");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& h = r.outputs["main.h"];
  EXPECT_NE(h.find("struct DECLSPEC_NOVTABLE IThing : public IUnknown"), std::string::npos);
  EXPECT_NE(h.find("COMKIT_DECLARE_IID(IThing, \"33333333-4444-5555-6666-777777777777\")"), std::string::npos);
  EXPECT_NE(h.find("HRESULT (STDMETHODCALLTYPE *get_Name)(\n        IThing *This,\n        BSTR *v);"), std::string::npos) << h;
  EXPECT_NE(h.find("#define IThing_put_Name(This,v) (This)->lpVtbl->put_Name(This,v)"), std::string::npos);
  EXPECT_NE(h.find("#define IThing_QueryInterface(This,riid,ppv)"), std::string::npos);
  // The [call_as] method is not a slot; its proxy and stub are declared.
  EXPECT_EQ(count(h, "*RemoteDo)"), 0u);
  EXPECT_EQ(count(h, "IThing_RemoteDo_Proxy"), 1u);
  EXPECT_EQ(count(h, "IThing_Do_Stub"), 1u);
  EXPECT_NE(r.outputs["main_i.c"].find("const IID IID_IThing = {0x33333333, 0x4444, 0x5555, {0x66, 0x66, 0x77"), std::string::npos);
  EXPECT_NE(r.outputs["main_projection.h"].find("using IThingPtr = ::comkit::com_ptr<IThing>;"), std::string::npos);
}

TEST(IdlEmit, ImportedDeclarationsAreVisibleButNotEmitted) {
  fixture f;
  f.files["/src/base.idl"] = std::string(prelude) + "typedef struct POINTX { LONG x, y; } POINTX;\n";
  auto r = f.run("import \"base.idl\";\n[object, uuid(44444444-0000-0000-0000-000000000001)] interface IP : IUnknown { HRESULT Get([out] POINTX *p); }\n");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& h = r.outputs["main.h"];
  EXPECT_NE(h.find("#include <base.h>"), std::string::npos);
  EXPECT_EQ(h.find("typedef struct POINTX"), std::string::npos);
  EXPECT_NE(h.find("POINTX *p"), std::string::npos);
}

TEST(IdlEmit, UnionsArraysAndBitfieldsKeepTheirCLayout) {
  fixture f;
  auto r = f.run(std::string(prelude) +
                 "typedef union U2 switch (LONG kind) value { case 1: LONG i; case 2: double d; default: ; } U2;\n"
                 "typedef struct V { ULONG n; [size_is(n)] LONG items[]; ULONG flag : 1; LONG grid[2][3]; } V;\n"
                 "typedef [switch_type(LONG)] union W { [case(1)] LONG a; [default] ; } W;\n"
                 "typedef LONG (__stdcall *CALLBACKFN)(LONG a, void *b);\n");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  const std::string& h = r.outputs["main.h"];
  EXPECT_NE(h.find("typedef struct U2 {\n    LONG kind;\n    union {\n        LONG i;\n        double d;\n    } value;\n} U2;"), std::string::npos) << h;
  EXPECT_NE(h.find("LONG items[1];"), std::string::npos);
  EXPECT_NE(h.find("ULONG flag : 1;"), std::string::npos);
  EXPECT_NE(h.find("LONG grid[2][3];"), std::string::npos);
  EXPECT_NE(h.find("typedef LONG (__stdcall *CALLBACKFN)(LONG a,void *b);"), std::string::npos) << h;
}

TEST(IdlSession, ImportsAreParsedOnceAndGiveTheSameOutput) {
  std::map<std::string, std::string> files;
  files["/s/base.idl"] = std::string(prelude) + "typedef struct PT { LONG x; } PT;\n";
  files["/s/a.idl"] = "import \"base.idl\";\n[object, uuid(55555555-0000-0000-0000-000000000001)] interface IA : IUnknown { HRESULT F([out] PT *p); }\n";
  files["/s/b.idl"] = "import \"base.idl\";\ninterface IB;\n[object, uuid(55555555-0000-0000-0000-000000000002)] interface IB : IUnknown { HRESULT G([in] IB *self); }\n";
  int reads = 0;
  auto reader = memory_reader(files, &reads, "/s/base.idl");
  compile_options o;
  o.c_header = o.iid_source = true;
  comkit::idl::compile_session session;
  o.input = "/s/a.idl";
  compile_result a = compile(session, o, reader);
  o.input = "/s/b.idl";
  compile_result b = compile(session, o, reader);
  ASSERT_TRUE(a.ok && b.ok) << a.diagnostics << b.diagnostics;
  EXPECT_EQ(reads, 1) << "base.idl is parsed once per session";
  // The same outputs as compiling each file on its own.
  o.input = "/s/b.idl";
  compile_result alone = compile(o, reader);
  EXPECT_EQ(b.outputs, alone.outputs);
  EXPECT_NE(b.outputs["b.h"].find("IB *self"), std::string::npos);
}

TEST(IdlSession, AnImportWithErrorsFailsEveryInput) {
  std::map<std::string, std::string> files;
  files["/s/broken.idl"] = "typedef struct { int x } BROKEN;\n";
  files["/s/a.idl"] = "import \"broken.idl\";\nconst int A = 1;\n";
  files["/s/b.idl"] = "import \"broken.idl\";\nconst int B = 1;\n";
  auto reader = memory_reader(files);
  compile_options o;
  o.c_header = true;
  comkit::idl::compile_session session;
  o.input = "/s/a.idl";
  compile_result a = compile(session, o, reader);
  o.input = "/s/b.idl";
  compile_result b = compile(session, o, reader);
  EXPECT_FALSE(a.ok);
  EXPECT_FALSE(b.ok);
  EXPECT_NE(b.diagnostics.find("/s/broken.idl:1:24: error"), std::string::npos) << b.diagnostics;
}

TEST(IdlDriver, MissingInputIsAnError) {
  fixture f;
  compile_options o;
  o.input = "/nope.idl";
  o.c_header = true;
  auto r = compile(o, [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("cannot read '/nope.idl'"), std::string::npos) << r.diagnostics;
}

// The resolved model of a file, built the way compile() builds it.
struct model_fixture {
  std::map<std::string, std::string> files;
  comkit::idl::compile_session session;
  std::unique_ptr<comkit::idl::compilation> c;
  std::unique_ptr<comkit::idl::model::model> m;
  void build(const std::string& text) {
    files["/src/main.idl"] = text;
    c = std::make_unique<comkit::idl::compilation>(session, comkit::idl::pp_options{}, memory_reader(files));
    comkit::idl::parse_main_file(*c, "/src/main.idl");
    comkit::idl::check(*c);
    ASSERT_EQ(c->diags.error_count(), 0u) << c->diags.render_all(false);
    m = comkit::idl::model::build_model(*c);
  }
};

TEST(IdlModel, SlotsBasesAndParameterRoles) {
  model_fixture f;
  f.build(std::string(prelude) +
          "[object, uuid(11111111-0000-0000-0000-000000000001)] interface IBase : IUnknown {\n"
          "  HRESULT One([in] ULONG n, [in, size_is(n)] const LONG *v);\n"
          "  [local] HRESULT Two([out] ULONG *n, [out, size_is(, *n)] LONG **v);\n"
          "  [call_as(Two)] HRESULT RemoteTwo([out] ULONG *n, [out, size_is(, *n)] LONG **v); }\n"
          "[object, uuid(11111111-0000-0000-0000-000000000002), version(2.3), helpstring(\"derived\")]\n"
          "interface IDerived : IBase {\n"
          "  [propget, id(7)] HRESULT Name([out, retval] BSTR *s);\n"
          "  [propput] HRESULT Name([in] BSTR s);\n"
          "  HRESULT Get([in] REFIID riid, [out, iid_is(riid)] void **ppv, [in, defaultvalue(3)] LONG x); }\n");
  const auto* base = f.m->find_interface("IBase");
  const auto* derived = f.m->find_interface("IDerived");
  ASSERT_TRUE(base && derived);
  ASSERT_TRUE(f.m->find_interface("IUnknown"));
  EXPECT_EQ(derived->base, base);
  EXPECT_EQ(derived->chain().size(), 3u);
  EXPECT_EQ(base->first_slot, 3);
  EXPECT_EQ(base->methods[0].slot, 3);
  EXPECT_EQ(base->methods[1].slot, 4);
  EXPECT_EQ(base->methods[2].slot, -1) << "[call_as] is not a vtable slot";
  EXPECT_EQ(base->methods[2].call_as_target, "Two");
  EXPECT_EQ(base->slot_count, 5);
  EXPECT_EQ(derived->first_slot, 5);
  EXPECT_EQ(derived->slot_count, 8);

  const auto& one = base->methods[0];
  EXPECT_EQ(one.params[1].size_is.size(), 1u);
  EXPECT_EQ(one.params[1].size_is[0].index, 0);
  EXPECT_FALSE(one.params[1].size_is[0].dereferenced);
  EXPECT_EQ(one.params[0].counts_for, std::vector<int>{1});
  const auto& two = base->methods[1];
  ASSERT_EQ(two.params[1].size_is.size(), 2u);
  EXPECT_FALSE(two.params[1].size_is[0].present());
  EXPECT_EQ(two.params[1].size_is[1].index, 0);
  EXPECT_TRUE(two.params[1].size_is[1].dereferenced);
  EXPECT_EQ(two.params[0].dir, comkit::idl::model::direction::out);

  const auto& get_name = derived->methods[0];
  EXPECT_EQ(get_name.abi_name, "get_Name");
  EXPECT_EQ(get_name.property, comkit::idl::model::property_kind::get);
  EXPECT_EQ(get_name.dispid, 7);
  EXPECT_EQ(get_name.retval, 0);
  EXPECT_EQ(derived->methods[1].abi_name, "put_Name");
  const auto& get = derived->methods[2];
  EXPECT_EQ(get.params[1].iid_is.index, 0);
  EXPECT_EQ(get.params[0].iid_for, std::vector<int>{1});
  EXPECT_EQ(get.retval, -1) << "no [retval]";
  ASSERT_TRUE(get.params[2].default_value);
  EXPECT_EQ(derived->attrs.version, (std::pair<std::uint16_t, std::uint16_t>{2, 3}));
  EXPECT_EQ(derived->attrs.helpstring, "derived");
  EXPECT_EQ(derived->attrs.uuid, "11111111-0000-0000-0000-000000000002");
}

TEST(IdlModel, CoclassesEnumsAndMisplacedAttributes) {
  model_fixture f;
  f.build(std::string(prelude) +
          "[object, uuid(22222222-0000-0000-0000-000000000001)] interface IIn : IUnknown {\n"
          "  HRESULT M([out, defaultvalue(1)] LONG *x, [out, retval] LONG *r); }\n"
          "[object, uuid(22222222-0000-0000-0000-000000000002)] interface IEvents : IUnknown { HRESULT E(); }\n"
          "[uuid(22222222-0000-0000-0000-000000000010), progid(\"A.B.1\"), threading(apartment)]\n"
          "coclass K { interface IEvents; [source] interface IEvents; [default] interface IIn; }\n"
          "typedef enum Flags { FNone = 0, FA = 1, FB = 2, FC = 4, FAll = 7 } Flags;\n"
          "typedef enum Count { C0, C1, C2, C3, C4, C5 } Count;\n");
  ASSERT_EQ(f.m->coclasses.size(), 1u);
  const auto& k = *f.m->coclasses[0];
  ASSERT_TRUE(k.default_interface());
  EXPECT_EQ(k.default_interface()->name, "IIn") << "[default] wins over the first";
  ASSERT_TRUE(k.default_source());
  EXPECT_TRUE(k.default_source()->source);
  EXPECT_EQ(k.progid, "A.B.1");
  EXPECT_EQ(k.threading, "apartment");
  ASSERT_TRUE(f.m->find_enum("Flags") && f.m->find_enum("Count"));
  EXPECT_TRUE(f.m->find_enum("Flags")->flags);
  EXPECT_FALSE(f.m->find_enum("Count")->flags) << "counting 0..5 is not a flag set";
  EXPECT_EQ(f.m->find_enum("Count")->values.back().value, 5);
  const auto& m = f.m->find_interface("IIn")->methods[0];
  EXPECT_EQ(m.params[0].default_value, nullptr) << "[defaultvalue] on an [out] is dropped";
  EXPECT_EQ(f.c->diags.warning_count(), 1u);
}

}  // namespace
