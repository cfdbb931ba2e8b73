// capture.h — what a C function writes to a FILE*, as a std::string, for the unit tests that
// check rendered text (reports, help, plots, exports).
#ifndef MSC_TESTS_CAPTURE_H
#define MSC_TESTS_CAPTURE_H

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

// Calls write(f) on a temporary file and returns all it wrote.
template <typename Write>
std::string CaptureFile(Write write) {
    FILE *f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    if (f == nullptr) return "";
    write(f);
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
}

#endif // MSC_TESTS_CAPTURE_H
