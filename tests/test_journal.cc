// test_journal.cc — the checkpoint journal: lines round-trip exactly; any flipped byte, torn tail
// or conflicting record is detected and that segment is not trusted; a journal of other inputs
// is refused; rewrite and append leave a file that reads back whole.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mpiscale/journal.h"
#include "mpiscale/kernel.h"

namespace {

msc_journal_entry Entry(int64_t seg, int64_t lo, int64_t hi) {
    msc_journal_entry e;
    std::memset(&e, 0, sizeof e);
    e.segment = seg;
    e.lo = lo;
    e.hi = hi;
    e.rank = static_cast<int>(seg % 3);
    e.compute_s = 0.001 * (seg + 1) / 3.0; // not a short decimal: %a must carry it exactly
    e.part.exact_lo = 0xfedcba9876543210ULL + static_cast<uint64_t>(seg);
    e.part.exact_hi = static_cast<uint64_t>(seg) << 40;
    e.part.real = std::sqrt(2.0) * seg - 1e-300;
    e.part.n_items = hi - lo;
    return e;
}

std::string Inputs() {
    const msc_kernel *k = msc_kernel_find("amdahl");
    EXPECT_NE(k, nullptr);
    const char *kv[] = {"serial=0.3"};
    msc_params p;
    EXPECT_EQ(msc_params_parse(k, kv, 1, &p, nullptr, 0), MSC_OK);
    char buf[512];
    msc_journal_inputs(k, &p, msc_range{0, 2000}, 10, buf, sizeof buf);
    return buf;
}

std::string Line(const msc_journal_entry &e) {
    char buf[MSC_JOURNAL_LINE_MAX];
    const size_t n = msc_journal_format_entry(&e, buf, sizeof buf);
    EXPECT_GT(n, 0u);
    return std::string(buf, n);
}

std::string Header(const std::string &inputs) {
    char buf[MSC_JOURNAL_LINE_MAX];
    const size_t n = msc_journal_format_header(inputs.c_str(), buf, sizeof buf);
    EXPECT_GT(n, 0u);
    return std::string(buf, n);
}

struct TempFile {
    std::string path;
    TempFile() {
        char tmpl[] = "/tmp/msc_journal_XXXXXX";
        const int fd = mkstemp(tmpl);
        EXPECT_GE(fd, 0);
        close(fd);
        path = tmpl;
        std::remove(path.c_str()); // absent until a test writes it
    }
    ~TempFile() { std::remove(path.c_str()); }
    void Write(const std::string &text) const { std::ofstream(path, std::ios::binary) << text; }
    std::string Read() const {
        std::ifstream in(path, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

struct Loaded {
    msc_status st;
    std::string err;
    msc_journal_scan scan;
    std::vector<msc_journal_entry> by;
    std::vector<unsigned char> have;
};

Loaded Load(const std::string &path, const std::string &inputs, int64_t segments = 10) {
    Loaded l;
    l.by.resize(static_cast<size_t>(segments));
    l.have.resize(static_cast<size_t>(segments));
    char err[512] = "";
    l.st = msc_journal_load(path.c_str(), inputs.c_str(), segments, l.by.data(), l.have.data(), &l.scan,
                            err, sizeof err);
    l.err = err;
    return l;
}

TEST(Journal, InputsNameKernelVersionParamsRangeAndSegments) {
    EXPECT_EQ(Inputs(), "kernel=amdahl version=1 params=serial:0.29999999999999999 range=0:2000 segments=10");
}

TEST(Journal, EntryLinesRoundTripExactly) {
    for (int64_t s : {0, 1, 7, 123456789}) {
        const msc_journal_entry e = Entry(s, -5 + s, 1000 + s);
        const std::string line = Line(e);
        ASSERT_EQ(line.back(), '\n');
        msc_journal_entry back;
        ASSERT_EQ(msc_journal_parse_line(line.data(), line.size() - 1, &back, nullptr, 0), 2) << line;
        EXPECT_EQ(std::memcmp(&back, &e, sizeof e), 0) << line;
    }
    const std::string h = Header(Inputs());
    char in[256];
    ASSERT_EQ(msc_journal_parse_line(h.data(), h.size() - 1, nullptr, in, sizeof in), 1) << h;
    EXPECT_EQ(std::string(in), Inputs());
}

TEST(Journal, AnyFlippedByteOrCutLineIsDetected) {
    const std::string line = Line(Entry(3, 300, 400));
    const size_t n = line.size() - 1;
    for (size_t i = 0; i < n; i++) {
        std::string bad = line;
        bad[i] = static_cast<char>(bad[i] ^ 0x04);
        msc_journal_entry e;
        EXPECT_EQ(msc_journal_parse_line(bad.data(), n, &e, nullptr, 0), 0) << "byte " << i << ": " << bad;
    }
    for (size_t cut = 0; cut < n; cut++)
        EXPECT_EQ(msc_journal_parse_line(line.data(), cut, nullptr, nullptr, 0), 0) << "cut at " << cut;
}

TEST(Journal, RefusesImpossibleValuesEvenWithAGoodChecksum) {
    msc_journal_entry e = Entry(2, 200, 300);
    e.part.n_items = 99; // not hi - lo
    std::string line = Line(e);
    EXPECT_EQ(msc_journal_parse_line(line.data(), line.size() - 1, nullptr, nullptr, 0), 0);
    e = Entry(2, 300, 300); // empty segment
    line = Line(e);
    EXPECT_EQ(msc_journal_parse_line(line.data(), line.size() - 1, nullptr, nullptr, 0), 0);
}

TEST(Journal, AnAbsentFileIsAnEmptyJournal) {
    TempFile f;
    const Loaded l = Load(f.path, Inputs());
    EXPECT_EQ(l.st, MSC_OK) << l.err;
    EXPECT_EQ(l.scan.exists, 0);
    EXPECT_EQ(l.scan.entries, 0);
}

TEST(Journal, RewriteThenAppendReadsBackEverySegment) {
    TempFile f;
    const std::vector<msc_journal_entry> first = {Entry(0, 0, 200), Entry(4, 800, 1000)};
    char err[512] = "";
    ASSERT_EQ(msc_journal_rewrite(f.path.c_str(), Inputs().c_str(), first.data(), 2, err, sizeof err), MSC_OK)
        << err;
    int fd = -1;
    ASSERT_EQ(msc_journal_open_append(f.path.c_str(), &fd, err, sizeof err), MSC_OK) << err;
    const std::vector<msc_journal_entry> more = {Entry(1, 200, 400), Entry(9, 1800, 2000)};
    ASSERT_EQ(msc_journal_append(fd, more.data(), 2, err, sizeof err), MSC_OK) << err;
    close(fd);
    EXPECT_EQ(f.Read(), Header(Inputs()) + Line(first[0]) + Line(first[1]) + Line(more[0]) + Line(more[1]));
    const Loaded l = Load(f.path, Inputs());
    ASSERT_EQ(l.st, MSC_OK) << l.err;
    EXPECT_EQ(l.scan.entries, 4);
    EXPECT_EQ(l.scan.bad, 0);
    for (const msc_journal_entry &e : {first[0], first[1], more[0], more[1]}) {
        ASSERT_TRUE(l.have[static_cast<size_t>(e.segment)]) << e.segment;
        EXPECT_EQ(std::memcmp(&l.by[static_cast<size_t>(e.segment)], &e, sizeof e), 0);
    }
    EXPECT_FALSE(l.have[2]);
    // no temporary file is left beside it
    EXPECT_NE(access((f.path + ".tmp." + std::to_string(getpid())).c_str(), F_OK), 0);
}

TEST(Journal, DamageCostsOnlyTheDamagedSegments) {
    TempFile f;
    std::string mid = Line(Entry(5, 1000, 1200));
    mid[10] = static_cast<char>(mid[10] ^ 1);            // a flipped bit in segment 5's line
    const std::string torn = Line(Entry(7, 1400, 1600)); // the last line cut by a kill
    f.Write(Header(Inputs()) + Line(Entry(1, 200, 400)) + mid + Line(Entry(6, 1200, 1400)) +
            torn.substr(0, torn.size() / 2));
    const Loaded l = Load(f.path, Inputs());
    ASSERT_EQ(l.st, MSC_OK) << l.err;
    EXPECT_EQ(l.scan.lines, 4);
    EXPECT_EQ(l.scan.bad, 2);
    EXPECT_EQ(l.scan.entries, 2);
    EXPECT_TRUE(l.have[1]);
    EXPECT_TRUE(l.have[6]);
    EXPECT_FALSE(l.have[5]);
    EXPECT_FALSE(l.have[7]);
}

TEST(Journal, ASegmentWithTwoAnswersIsTrustedNeitherWayAndRepeatsAreHarmless) {
    TempFile f;
    msc_journal_entry again = Entry(2, 400, 600);
    again.rank = 5; // computed twice (a resumed run), same result: fine
    again.compute_s = 9.0;
    msc_journal_entry other = Entry(3, 600, 800);
    other.part.exact_lo ^= 1; // a different result for segment 3: which one is right?
    f.Write(Header(Inputs()) + Line(Entry(2, 400, 600)) + Line(again) + Line(Entry(3, 600, 800)) +
            Line(other) + Line(Entry(12, 0, 1)));
    const Loaded l = Load(f.path, Inputs());
    ASSERT_EQ(l.st, MSC_OK) << l.err;
    EXPECT_EQ(l.scan.duplicates, 1);
    EXPECT_EQ(l.scan.conflicts, 1);
    EXPECT_EQ(l.scan.out_of_range, 1); // segment 12 of 10
    EXPECT_TRUE(l.have[2]);
    EXPECT_FALSE(l.have[3]);
    EXPECT_EQ(l.scan.entries, 1);
}

TEST(Journal, RefusesAJournalOfOtherInputsOrNoJournalAtAll) {
    TempFile f;
    const std::string other = "kernel=pi version=1 params= range=0:10 segments=10";
    f.Write(Header(other) + Line(Entry(0, 0, 1)));
    Loaded l = Load(f.path, Inputs());
    EXPECT_EQ(l.st, MSC_ERR_USAGE);
    EXPECT_EQ(l.err, "'" + f.path + "' was written for " + other + "; this run is " + Inputs() +
                         ": --fresh starts over, or give another --checkpoint file");
    EXPECT_EQ(l.scan.entries, 0);
    f.Write("segment,partial\n0,42\n");
    l = Load(f.path, Inputs());
    EXPECT_EQ(l.st, MSC_ERR_USAGE);
    EXPECT_NE(l.err.find("not an mpiscale journal, or its first line is damaged"), std::string::npos) << l.err;
    f.Write("");
    l = Load(f.path, Inputs());
    EXPECT_EQ(l.st, MSC_ERR_USAGE);
    EXPECT_NE(l.err.find("an empty file is not a journal"), std::string::npos) << l.err;
}

} // namespace
