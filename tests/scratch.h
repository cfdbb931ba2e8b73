// scratch.h — a fresh directory per test, removed with everything in it when the test ends (even
// when an assertion returns early or a test left part of it read-only), and whole-file reads: for
// the unit tests that write files.
#ifndef MSC_TESTS_SCRATCH_H
#define MSC_TESTS_SCRATCH_H

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

class ScratchDir {
public:
    // prefix: the directory's name before a random suffix; base: where to make it, ending in '/'.
    explicit ScratchDir(const std::string &prefix = "msc_test",
                        const std::string &base = testing::TempDir()) {
        std::string tmpl = base + prefix + "_XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        const char *d = mkdtemp(buf.data());
        EXPECT_NE(d, nullptr) << tmpl;
        path_ = d ? d : "";
    }
    ~ScratchDir() {
        if (path_.empty()) return;
        std::error_code ec;
        for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec)) chmod(it->path().c_str(), 0700);
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;
    std::string operator/(const std::string &name) const { return path_ + "/" + name; }
    const std::string &path() const { return path_; }

private:
    std::string path_;
};

// The whole file at path ("" when it cannot be read).
inline std::string ReadFile(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

#endif // MSC_TESTS_SCRATCH_H
