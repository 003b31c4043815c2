// tests/runtime/hresult_test.cpp - the message catalogue and errno mapping.
#include <gtest/gtest.h>

#include <objbase.h>

#include <comkit/abi/extensions.h>
#include <comkit/hresult.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace {

std::string message(HRESULT hr) {
  const char* m = ComkitHResultMessage(hr);
  return m ? m : "<none>";
}

TEST(HResultMessage, StandardTexts) {
  EXPECT_EQ(message(S_OK), "The operation completed successfully.");
  EXPECT_EQ(message(S_FALSE), "Incorrect function.");  // as FormatMessage(1) says
  EXPECT_EQ(message(E_NOTIMPL), "Not implemented");
  EXPECT_EQ(message(E_NOINTERFACE), "No such interface supported");
  EXPECT_EQ(message(E_POINTER), "Invalid pointer");
  EXPECT_EQ(message(E_ABORT), "Operation aborted");
  EXPECT_EQ(message(E_FAIL), "Unspecified error");
  EXPECT_EQ(message(E_UNEXPECTED), "Catastrophic failure");
  EXPECT_EQ(message(E_ACCESSDENIED), "Access is denied.");
  EXPECT_EQ(message(E_HANDLE), "The handle is invalid.");
  EXPECT_EQ(message(E_OUTOFMEMORY), "Not enough memory resources are available to complete this operation.");
  EXPECT_EQ(message(E_INVALIDARG), "The parameter is incorrect.");
  EXPECT_EQ(message(E_BOUNDS), "The operation attempted to access data outside the valid range");
  EXPECT_EQ(message(CO_E_NOTINITIALIZED), "CoInitialize has not been called.");
  EXPECT_EQ(message(CO_E_CLASSSTRING), "Invalid class string");
  EXPECT_EQ(message(REGDB_E_CLASSNOTREG), "Class not registered");
  EXPECT_EQ(message(CLASS_E_NOAGGREGATION), "Class does not support aggregation (or class object is remote)");
  EXPECT_EQ(message(CLASS_E_CLASSNOTAVAILABLE), "ClassFactory cannot supply requested class");
  EXPECT_EQ(message(RPC_E_CHANGED_MODE), "Cannot change thread mode after it is set.");
  EXPECT_EQ(message(DISP_E_TYPEMISMATCH), "Type mismatch.");
  EXPECT_EQ(message(DISP_E_OVERFLOW), "Out of present range.");
  EXPECT_EQ(message(DISP_E_BADVARTYPE), "Bad variable type.");
  EXPECT_EQ(message(DISP_E_BADINDEX), "Invalid index.");
  EXPECT_EQ(message(DISP_E_ARRAYISLOCKED), "Memory is locked.");
  EXPECT_EQ(message(CO_E_OBJISREG), "Object is already registered");
  EXPECT_EQ(message(CO_E_OBJNOTREG), "Object is not registered");
}

TEST(HResultMessage, Win32CodesBareAndWrapped) {
  EXPECT_EQ(message(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)), "The system cannot find the file specified.");
  EXPECT_EQ(message(ERROR_FILE_NOT_FOUND), "The system cannot find the file specified.");
  EXPECT_EQ(message(HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)),
            "No mapping for the Unicode character exists in the target multi-byte code page.");
}

TEST(HResultMessage, UnknownCodes) {
  EXPECT_EQ(ComkitHResultMessage(static_cast<HRESULT>(0x80041234)), nullptr);
  EXPECT_EQ(ComkitHResultMessage(HRESULT_FROM_WIN32(0xFFFE)), nullptr);
  EXPECT_EQ(ComkitHResultMessage(static_cast<HRESULT>(0xFFFFFFFF)), nullptr);
  EXPECT_EQ(comkit::hresult_message(static_cast<HRESULT>(0x80041234)), "Unknown error 0x80041234");
}

TEST(HResultName, PrefersHResultNamesOverWin32Aliases) {
  EXPECT_STREQ(ComkitHResultName(E_OUTOFMEMORY), "E_OUTOFMEMORY");
  EXPECT_STREQ(ComkitHResultName(E_ACCESSDENIED), "E_ACCESSDENIED");
  EXPECT_STREQ(ComkitHResultName(S_OK), "S_OK");
  EXPECT_STREQ(ComkitHResultName(S_FALSE), "S_FALSE");
  EXPECT_STREQ(ComkitHResultName(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)), "ERROR_FILE_NOT_FOUND");
  EXPECT_STREQ(ComkitHResultName(RPC_E_CHANGED_MODE), "RPC_E_CHANGED_MODE");
  EXPECT_EQ(ComkitHResultName(static_cast<HRESULT>(0x80041234)), nullptr);
}

TEST(HResultProjection, ValueType) {
  comkit::hresult ok{S_FALSE};
  comkit::hresult bad{E_NOINTERFACE};
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "No such interface supported");
  EXPECT_EQ(bad.name(), "E_NOINTERFACE");
  EXPECT_EQ(comkit::hresult{static_cast<HRESULT>(0x80041234)}.name(), "");
  EXPECT_TRUE(bad == comkit::hresult{E_NOINTERFACE});
}

// Every code <comkit/abi/hresult.h> defines has text: the test reads the
// header itself, so a code added without text fails here.
TEST(HResultMessage, EveryDefinedCodeHasText) {
  std::ifstream in(COMKIT_SOURCE_DIR "/include/comkit/abi/hresult.h");
  ASSERT_TRUE(in) << "cannot read hresult.h";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::regex hr_def(R"(#define\s+(\w+)\s+COMKIT_IMPL_HR\((0x[0-9A-Fa-f]+)\))");
  const std::regex w32_def(R"(#define\s+(\w+)\s+(\d+)L\b)");
  int checked = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), hr_def); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1];
    if (name.ends_with("_FIRST") || name.ends_with("_LAST")) continue;  // range markers, not codes
    const auto value = static_cast<HRESULT>(std::stoul((*it)[2], nullptr, 16));
    EXPECT_NE(ComkitHResultMessage(value), nullptr) << name;
    ++checked;
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), w32_def); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1];
    if (!name.starts_with("ERROR_") && name != "WAIT_TIMEOUT") continue;
    const auto code = static_cast<std::uint32_t>(std::stoul((*it)[2]));
    EXPECT_NE(ComkitHResultMessage(HRESULT_FROM_WIN32(code)), nullptr) << name;
    ++checked;
  }
  EXPECT_GT(checked, 250);
}

TEST(HResultFromErrno, MapsToWin32Equivalents) {
  EXPECT_EQ(ComkitHResultFromErrno(0), S_OK);
  EXPECT_EQ(ComkitHResultFromErrno(ENOMEM), E_OUTOFMEMORY);
  EXPECT_EQ(ComkitHResultFromErrno(EINVAL), E_INVALIDARG);
  EXPECT_EQ(ComkitHResultFromErrno(EACCES), E_ACCESSDENIED);
  EXPECT_EQ(ComkitHResultFromErrno(EPERM), E_ACCESSDENIED);
  EXPECT_EQ(ComkitHResultFromErrno(EBADF), E_HANDLE);
  EXPECT_EQ(ComkitHResultFromErrno(ENOENT), HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
  EXPECT_EQ(ComkitHResultFromErrno(ENOTDIR), HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
  EXPECT_EQ(ComkitHResultFromErrno(EEXIST), HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS));
  EXPECT_EQ(ComkitHResultFromErrno(ENOSPC), HRESULT_FROM_WIN32(ERROR_DISK_FULL));
  EXPECT_EQ(ComkitHResultFromErrno(EMFILE), HRESULT_FROM_WIN32(ERROR_TOO_MANY_OPEN_FILES));
  EXPECT_EQ(ComkitHResultFromErrno(ETIMEDOUT), HRESULT_FROM_WIN32(ERROR_TIMEOUT));
  EXPECT_EQ(ComkitHResultFromErrno(EILSEQ), HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION));
  EXPECT_EQ(ComkitHResultFromErrno(-1), E_FAIL);
  EXPECT_EQ(ComkitHResultFromErrno(100000), E_FAIL);
}

TEST(HResultFromErrno, EveryMappedCodeHasText) {
  for (int e = 1; e < 200; ++e) {
    const HRESULT hr = ComkitHResultFromErrno(e);
    EXPECT_TRUE(FAILED(hr)) << e;
    EXPECT_NE(ComkitHResultMessage(hr), nullptr) << e;
  }
}

}  // namespace
