// test_plot.cc — the plot scripts of a synthetic study (data rows, curves only when fitted, log
// axes, escaping), base64 against RFC 4648, the HTML page (escaping, self-contained, tables), and
// gnuplot itself: the PNGs read back with libpng at the plot size and with the plot colours, the
// SVGs well-formed at that size, and its failures reported. gnuplot must be installed (Debian
// gnuplot-nox): without it those tests fail, they do not skip.
#include <gtest/gtest.h>

#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "mpiscale/cli.h"
#include "mpiscale/html.h"
#include "mpiscale/plot.h"
#include "capture.h"
#include "scratch.h"
#include "mpiscale/report.h"

namespace {

// ---- helpers -----------------------------------------------------------------------------------

// A strong study at p = 1, 2, 4, 8, 16: Amdahl's law with f = 0.2 and T1 = 10 s plus a cost growing
// as (p - 1)^2, so that the fitted curves part from the points (and the USL sees the speedup peak),
// three runs per point scattered by +-1%. Every fit succeeds.
msc_sweep_summary StrongSummary(std::vector<int> ps = {1, 2, 4, 8, 16}) {
    std::vector<msc_sweep_run> runs;
    for (int p : ps)
        for (double jitter : {0.99, 1.0, 1.01}) {
            msc_sweep_run r;
            std::memset(&r, 0, sizeof r);
            r.p = p;
            r.wall_s = (10.0 * (0.2 + 0.8 / p) + 0.01 * (p - 1) * (p - 1)) * jitter;
            r.t1_est_s = 10.0 * jitter;
            r.serial_s = 1.5;
            r.imbalance = 0.01 * p;
            r.nodes = 1;
            r.verified = 1;
            std::snprintf(r.digest, sizeof r.digest, "0123456789abcdef");
            runs.push_back(r);
        }
    msc_sweep_summary s;
    EXPECT_EQ(msc_sweep_summarise(runs.data(), static_cast<int>(runs.size()), 0, &s), MSC_OK);
    return s;
}

// A weak study: the work grows with p, the time by 5% of the serial part per extra rank.
msc_sweep_summary WeakSummary() {
    std::vector<msc_sweep_run> runs;
    for (int p : {1, 2, 4, 8})
        for (double jitter : {0.99, 1.0, 1.01}) {
            msc_sweep_run r;
            std::memset(&r, 0, sizeof r);
            r.p = p;
            r.wall_s = 4.0 * p / (p - 0.05 * (p - 1)) * jitter;
            r.t1_est_s = 4.0 * p;
            r.nodes = 1;
            r.verified = 1;
            std::snprintf(r.digest, sizeof r.digest, "00000000000000%02d", p);
            runs.push_back(r);
        }
    msc_sweep_summary s;
    EXPECT_EQ(msc_sweep_summarise(runs.data(), static_cast<int>(runs.size()), 1, &s), MSC_OK);
    return s;
}


std::string Script(const msc_sweep_summary &s, msc_plot_kind k, const char *title = "study",
                   const char *term = "pngcairo") {
    return CaptureFile([&](FILE *f) {
        char err[256] = "";
        EXPECT_EQ(msc_plot_script(f, &s, title, k, term, "out.png", err, sizeof err), MSC_OK) << err;
    });
}

bool Has(const std::string &text, const std::string &what) {
    return text.find(what) != std::string::npos;
}

// The lines between "$msc_data << EOD" and "EOD", comments left out.
std::vector<std::string> DataRows(const std::string &script) {
    std::vector<std::string> rows;
    std::istringstream in(script);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line == "$msc_data << EOD") {
            inside = true;
        } else if (line == "EOD") {
            inside = false;
        } else if (inside && !line.empty() && line[0] != '#') {
            rows.push_back(line);
        }
    }
    return rows;
}

std::vector<double> Fields(const std::string &row) {
    std::istringstream in(row);
    std::vector<double> v;
    double x;
    while (in >> x) v.push_back(x);
    return v;
}


// Sets an environment variable for one test and restores it afterwards.
class EnvVar {
public:
    EnvVar(const char *name, const char *value) : name_(name) {
        const char *old = std::getenv(name);
        had_ = old != nullptr;
        if (had_) old_ = old;
        setenv(name, value, 1);
    }
    ~EnvVar() {
        if (had_)
            setenv(name_.c_str(), old_.c_str(), 1);
        else
            unsetenv(name_.c_str());
    }
    EnvVar(const EnvVar &) = delete;
    EnvVar &operator=(const EnvVar &) = delete;

private:
    std::string name_, old_;
    bool had_ = false;
};

void WriteExecutable(const std::string &path, const std::string &text) {
    std::ofstream(path) << text;
    ASSERT_EQ(chmod(path.c_str(), 0755), 0);
}

// ---- plot names and scripts --------------------------------------------------------------------

TEST(Plot, NamesAreTheFileNames) {
    EXPECT_STREQ(msc_plot_name(MSC_PLOT_SPEEDUP), "speedup");
    EXPECT_STREQ(msc_plot_name(MSC_PLOT_EFFICIENCY), "efficiency");
    EXPECT_STREQ(msc_plot_name(MSC_PLOT_TIME), "time");
    EXPECT_STREQ(msc_plot_name(MSC_PLOT_COUNT), "?");
}

TEST(Plot, ScriptSetsTerminalSizeAndOutput) {
    const msc_sweep_summary s = StrongSummary();
    const std::string png = Script(s, MSC_PLOT_SPEEDUP);
    EXPECT_TRUE(Has(png, "set terminal pngcairo size 800,500 noenhanced")) << png;
    EXPECT_TRUE(Has(png, "set output 'out.png'\n"));
    EXPECT_TRUE(Has(png, "unset output\n"));
    const std::string svg = Script(s, MSC_PLOT_SPEEDUP, "study", "svg");
    EXPECT_TRUE(Has(svg, "set terminal svg size 800,500 fixed noenhanced")) << svg;
    EXPECT_TRUE(Has(Script(s, MSC_PLOT_TIME, "study", "png"), "set terminal png size 800,500"));
}

TEST(Plot, SpeedupDataBlockHasOneRowPerPointWithMinMaxBars) {
    const msc_sweep_summary s = StrongSummary();
    const std::vector<std::string> rows = DataRows(Script(s, MSC_PLOT_SPEEDUP));
    ASSERT_EQ(rows.size(), 5u);
    for (int i = 0; i < 5; i++) {
        const std::vector<double> v = Fields(rows[i]);
        ASSERT_EQ(v.size(), 4u) << rows[i];
        const msc_sweep_row &r = s.rows[i];
        EXPECT_EQ(v[0], r.p);
        EXPECT_NEAR(v[1], r.speedup, 1e-6 * r.speedup);
        EXPECT_NEAR(v[2], s.t1_s / r.wall.max, 1e-6); // the slowest run's speedup
        EXPECT_NEAR(v[3], s.t1_s / r.wall.min, 1e-6);
        EXPECT_LT(v[2], v[1]);
        EXPECT_GT(v[3], v[1]);
    }
}

TEST(Plot, TimeAndEfficiencyDataBlocksHoldTheirQuantities) {
    const msc_sweep_summary s = StrongSummary();
    const std::vector<std::string> t = DataRows(Script(s, MSC_PLOT_TIME));
    const std::vector<std::string> e = DataRows(Script(s, MSC_PLOT_EFFICIENCY));
    ASSERT_EQ(t.size(), 5u);
    ASSERT_EQ(e.size(), 5u);
    for (int i = 0; i < 5; i++) {
        const std::vector<double> tv = Fields(t[i]), ev = Fields(e[i]);
        const msc_sweep_row &r = s.rows[i];
        EXPECT_NEAR(tv[1], r.wall.median, 1e-8);
        EXPECT_NEAR(tv[2], r.wall.min, 1e-8);
        EXPECT_NEAR(tv[3], r.wall.max, 1e-8);
        EXPECT_NEAR(ev[1], r.efficiency, 1e-8);
        EXPECT_NEAR(ev[2], s.t1_s / r.wall.max / r.p, 1e-8);
    }
}

TEST(Plot, SpeedupDrawsIdealAmdahlAndUslWhenFitted) {
    const msc_sweep_summary s = StrongSummary();
    ASSERT_TRUE(s.amdahl.fit.ok) << s.amdahl.fit.why;
    ASSERT_TRUE(s.usl.fit.ok) << s.usl.fit.why;
    const std::string sc = Script(s, MSC_PLOT_SPEEDUP);
    EXPECT_TRUE(Has(sc, "lc rgb '#888888' title 'ideal: S = p'")) << sc;
    EXPECT_TRUE(Has(sc, "dt 2")); // the ideal line is dashed
    EXPECT_TRUE(Has(sc, "amdahl(x) = 1 / (f + (1 - f) / x)"));
    EXPECT_TRUE(Has(sc, "amdahl(x) with lines lw 2.5 lc rgb '#D55E00'"));
    char f[64];
    std::snprintf(f, sizeof f, "'Amdahl fit: f = %.4f (95%% interval", s.amdahl.f);
    EXPECT_TRUE(Has(sc, f)) << f;
    EXPECT_TRUE(Has(sc, "usl(x) with lines lw 2.5 lc rgb '#009E73'"));
    EXPECT_TRUE(Has(sc, "'USL fit: sigma = "));
    EXPECT_TRUE(Has(sc, ", kappa = "));
    EXPECT_TRUE(Has(sc, "$msc_data using 1:2:3:4 with yerrorlines"));
    EXPECT_TRUE(Has(sc, "lc rgb '#0072B2'"));
}

TEST(Plot, AmdahlCurveOnlyWhenFitted) {
    msc_sweep_summary s = StrongSummary();
    s.amdahl.fit.ok = 0;
    for (msc_plot_kind k : {MSC_PLOT_SPEEDUP, MSC_PLOT_EFFICIENCY, MSC_PLOT_TIME}) {
        const std::string sc = Script(s, k);
        EXPECT_FALSE(Has(sc, "amdahl")) << sc;
        EXPECT_FALSE(Has(sc, "#D55E00")) << sc;
        EXPECT_TRUE(Has(sc, "#888888")) << sc; // the ideal line stays
    }
    EXPECT_TRUE(Has(Script(s, MSC_PLOT_SPEEDUP), "usl(x)"));
    s.usl.fit.ok = 0;
    EXPECT_FALSE(Has(Script(s, MSC_PLOT_SPEEDUP), "#009E73"));
}

TEST(Plot, EfficiencyAndTimeCarryTheAmdahlPredictionButNoUsl) {
    const msc_sweep_summary s = StrongSummary();
    const std::string e = Script(s, MSC_PLOT_EFFICIENCY), t = Script(s, MSC_PLOT_TIME);
    EXPECT_TRUE(Has(e, "amdahl(x) / x with lines")) << e;
    EXPECT_TRUE(Has(e, "'ideal: E = 1'"));
    EXPECT_TRUE(Has(t, "T1 / amdahl(x) with lines")) << t;
    EXPECT_TRUE(Has(t, "T1 / x with lines dt 2 lw 1.5 lc rgb '#888888' title 'ideal: T1 / p'"));
    EXPECT_FALSE(Has(e, "#009E73"));
    EXPECT_FALSE(Has(t, "#009E73"));
}

TEST(Plot, TimeScriptUsesLogLogAxes) {
    const msc_sweep_summary s = StrongSummary();
    const std::string t = Script(s, MSC_PLOT_TIME);
    EXPECT_TRUE(Has(t, "set logscale x 2\n")) << t;
    EXPECT_TRUE(Has(t, "set logscale y 10\n"));
    // T from 0.5 s (the ideal T1/p at the right edge) to 10.1 s, padded by 1.5: 1-2-5 labels
    EXPECT_TRUE(Has(t, "set yrange [0.333333:15.15]\nset ytics (0.5, 1, 2, 5, 10)\n"));
    for (msc_plot_kind k : {MSC_PLOT_SPEEDUP, MSC_PLOT_EFFICIENCY})
        EXPECT_FALSE(Has(Script(s, k), "logscale"));
}

// The top of the y axis as the script sets it, or NAN.
double YTop(const std::string &script) {
    const std::string key = "set yrange [0:";
    const size_t at = script.find(key);
    return at == std::string::npos ? NAN : std::strtod(script.c_str() + at + key.size(), nullptr);
}

TEST(Plot, EfficiencyAxisRunsFromZeroToAtLeast105Percent) {
    msc_sweep_summary s = StrongSummary({2, 4});
    for (int i = 0; i < s.n_rows; i++) s.rows[i].wall.min = s.rows[i].wall.median; // bars below 1
    EXPECT_DOUBLE_EQ(YTop(Script(s, MSC_PLOT_EFFICIENCY)), 1.05);
    // superlinear data raise the top to 1.05 x the top of the highest bar
    s.rows[1].efficiency = 1.5;
    s.rows[1].wall.min = s.t1_s / (1.6 * s.rows[1].p);
    EXPECT_DOUBLE_EQ(YTop(Script(s, MSC_PLOT_EFFICIENCY)), 1.68);
}

TEST(Plot, OnePointGetsItsPointOnly) {
    const msc_sweep_summary s = StrongSummary({4});
    ASSERT_EQ(s.n_rows, 1);
    for (msc_plot_kind k : {MSC_PLOT_SPEEDUP, MSC_PLOT_EFFICIENCY, MSC_PLOT_TIME}) {
        const std::string sc = Script(s, k);
        EXPECT_EQ(DataRows(sc).size(), 1u);
        EXPECT_FALSE(Has(sc, "with lines")) << sc;
        EXPECT_FALSE(Has(sc, "sample")) << sc;
        EXPECT_TRUE(Has(sc, "plot $msc_data using 1:2:3:4 with yerrorlines")) << sc;
    }
}

TEST(Plot, NonFiniteValuesAreLeftOut) {
    msc_sweep_summary s = StrongSummary();
    s.rows[1].speedup = NAN;
    s.rows[1].efficiency = NAN;
    s.rows[2].wall.median = NAN;
    s.rows[3].wall.max = INFINITY; // a bar end: collapses onto the point
    const std::vector<std::string> sp = DataRows(Script(s, MSC_PLOT_SPEEDUP));
    ASSERT_EQ(sp.size(), 4u);
    EXPECT_EQ(Fields(sp[0])[0], 1);
    EXPECT_EQ(Fields(sp[1])[0], 4);
    EXPECT_EQ(Fields(sp[2])[0], 8);
    EXPECT_EQ(Fields(sp[3])[0], 16);
    EXPECT_DOUBLE_EQ(Fields(sp[2])[2], Fields(sp[2])[1]);
    EXPECT_EQ(DataRows(Script(s, MSC_PLOT_TIME)).size(), 4u);
    for (msc_plot_kind k : {MSC_PLOT_SPEEDUP, MSC_PLOT_EFFICIENCY, MSC_PLOT_TIME}) {
        const std::string sc = Script(s, k);
        EXPECT_FALSE(Has(sc, "nan")) << sc;
        EXPECT_FALSE(Has(sc, "inf")) << sc;
    }
    // nothing left at all: an empty frame that says so
    for (int i = 0; i < s.n_rows; i++) s.rows[i].speedup = NAN;
    const std::string none = Script(s, MSC_PLOT_SPEEDUP);
    EXPECT_TRUE(DataRows(none).empty());
    EXPECT_TRUE(Has(none, "no finite measurement to plot")) << none;
}

TEST(Plot, WeakStudyPlotsScaledSpeedupAndGustafson) {
    const msc_sweep_summary s = WeakSummary();
    ASSERT_TRUE(s.gustafson.fit.ok) << s.gustafson.fit.why;
    const std::string sc = Script(s, MSC_PLOT_SPEEDUP);
    EXPECT_TRUE(Has(sc, "scaled speedup")) << sc;
    EXPECT_TRUE(Has(sc, "gustafson(x) with lines lw 2.5 lc rgb '#D55E00' title 'Gustafson fit: alpha = "));
    EXPECT_FALSE(Has(sc, "amdahl"));
    EXPECT_FALSE(Has(sc, "usl"));
    const std::vector<std::string> rows = DataRows(sc);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_NEAR(Fields(rows[3])[1], s.rows[3].speedup, 1e-6);
    EXPECT_NEAR(Fields(rows[3])[2], 8 * s.t1_s / s.rows[3].wall.max, 1e-6);
    const std::string t = Script(s, MSC_PLOT_TIME);
    EXPECT_TRUE(Has(t, "title 'ideal: T1 (work grows with p)'")) << t;
}

TEST(Plot, TitleIsEscapedForGnuplot) {
    const msc_sweep_summary s = StrongSummary();
    const std::string sc =
        Script(s, MSC_PLOT_SPEEDUP, "it's \"x\" `touch pwned` @macro\\n a_b^2\nnext\tline");
    EXPECT_TRUE(Has(sc, "set title 'it''s \"x\" `touch pwned` @macro\\n a_b^2 next line'\n")) << sc;
    // noenhanced: _ and ^ stay characters
    EXPECT_TRUE(Has(sc, "noenhanced"));
    const std::string path = CaptureFile([&](FILE *f) {
        EXPECT_EQ(msc_plot_script(f, &s, "t", MSC_PLOT_TIME, "svg", "/o'dd dir/x.svg", nullptr, 0),
                  MSC_OK);
    });
    EXPECT_TRUE(Has(path, "set output '/o''dd dir/x.svg'\n")) << path;
    // a bidirectional override would reverse the title drawn in the image; a file name keeps it
    const std::string bidi = CaptureFile([&](FILE *f) {
        EXPECT_EQ(msc_plot_script(f, &s, "a\xE2\x80\xAE" "b\xE2\x81\xA6" "c", MSC_PLOT_TIME, "svg",
                                  "x\xE2\x80\xAE.svg", nullptr, 0),
                  MSC_OK);
    });
    EXPECT_TRUE(Has(bidi, "set title 'a?b?c'\n")) << bidi;
    EXPECT_TRUE(Has(bidi, "set output 'x\xE2\x80\xAE.svg'\n")) << bidi;
}

TEST(Plot, RejectsUnknownTerminalEmptySummaryAndControlCharacters) {
    msc_sweep_summary s = StrongSummary();
    char err[256] = "";
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(msc_plot_script(f, &s, "t", MSC_PLOT_SPEEDUP, "x11", "o", err, sizeof err),
              MSC_ERR_USAGE);
    EXPECT_STREQ(err, "plot: unknown gnuplot terminal 'x11' (pngcairo, png or svg)");
    EXPECT_EQ(msc_plot_script(f, &s, "t", MSC_PLOT_SPEEDUP, "svg", "a\nb", err, sizeof err),
              MSC_ERR_USAGE);
    EXPECT_EQ(msc_plot_script(f, &s, "t", MSC_PLOT_COUNT, "svg", "o", err, sizeof err),
              MSC_ERR_USAGE);
    s.n_rows = 0;
    EXPECT_EQ(msc_plot_script(f, &s, "t", MSC_PLOT_SPEEDUP, "svg", "o", err, sizeof err),
              MSC_ERR_USAGE);
    EXPECT_STREQ(err, "plot: the summary has no rows");
    std::fclose(f);
}

// ---- base64 ------------------------------------------------------------------------------------

struct B64Case {
    const char *in, *out;
};

void PrintTo(const B64Case &c, std::ostream *os) {
    *os << '"' << c.in << '"';
}

class Base64Rfc4648 : public testing::TestWithParam<B64Case> {};

TEST_P(Base64Rfc4648, EncodesTheTestVector) {
    const B64Case c = GetParam();
    const size_t n = std::strlen(c.in);
    std::vector<char> out(msc_base64_len(n) + 1, 'x');
    EXPECT_EQ(msc_base64_len(n), std::strlen(c.out));
    EXPECT_EQ(msc_base64_encode(c.in, n, out.data()), std::strlen(c.out));
    EXPECT_STREQ(out.data(), c.out);
}

// RFC 4648, section 10
INSTANTIATE_TEST_SUITE_P(Section10, Base64Rfc4648,
                         testing::Values(B64Case{"", ""}, B64Case{"f", "Zg=="},
                                         B64Case{"fo", "Zm8="}, B64Case{"foo", "Zm9v"},
                                         B64Case{"foob", "Zm9vYg=="}, B64Case{"fooba", "Zm9vYmE="},
                                         B64Case{"foobar", "Zm9vYmFy"}),
                         [](const testing::TestParamInfo<B64Case> &info) {
                             return "Bytes" + std::to_string(std::strlen(info.param.in));
                         });

TEST(Base64Bytes, EncodesEveryByteValue) {
    const unsigned char bin[] = {0x00, 0xff, 0xfe, 0x3e, 0x3f, 0xfb, 0xef, 0x80};
    char out[16];
    EXPECT_EQ(msc_base64_encode(bin, 3, out), 4u);
    EXPECT_STREQ(out, "AP/+");
    EXPECT_EQ(msc_base64_encode(bin + 3, 5, out), 8u);
    EXPECT_STREQ(out, "Pj/774A=");
    EXPECT_EQ(msc_base64_len(0), 0u);
    EXPECT_EQ(msc_base64_len(1), 4u);
    EXPECT_EQ(msc_base64_len(3), 4u);
    EXPECT_EQ(msc_base64_len(4), 8u);
}

// A strict decoder for reading pages back; "" marks a malformed input.
std::string Base64Decode(const std::string &in, bool *ok) {
    static const std::string abc =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    *ok = in.size() % 4 == 0;
    for (size_t i = 0; *ok && i < in.size(); i += 4) {
        unsigned v = 0;
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            const char c = in[i + j];
            size_t d = abc.find(c);
            if (c == '=' && i + 4 == in.size() && j >= 2) {
                pad++;
                d = 0;
            } else if (d == std::string::npos || pad) {
                *ok = false;
            }
            v = v << 6 | static_cast<unsigned>(d & 63);
        }
        out += static_cast<char>(v >> 16);
        if (pad < 2) out += static_cast<char>(v >> 8 & 255);
        if (pad < 1) out += static_cast<char>(v & 255);
    }
    return *ok ? out : "";
}

// ---- HTML --------------------------------------------------------------------------------------

std::string Escaped(const char *s) {
    return CaptureFile([&](FILE *f) { msc_html_escape(f, s); });
}

TEST(Html, EscapesMarkupCharacters) {
    EXPECT_EQ(Escaped("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    EXPECT_EQ(Escaped("plain text\n\tnext"), "plain text\n\tnext");
    EXPECT_EQ(Escaped(nullptr), "");
}

TEST(Html, KeepsUtf8AndReplacesWhatIsNot) {
    EXPECT_EQ(Escaped("Karp\xE2\x80\x93" "Flatt \xCF\x83 \xF0\x9F\x93\x88"),
              "Karp\xE2\x80\x93" "Flatt \xCF\x83 \xF0\x9F\x93\x88");
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(Escaped("a\xFF" "b"), "a" + fffd + "b");                 // never valid
    EXPECT_EQ(Escaped("\xC3"), fffd);                                  // truncated
    EXPECT_EQ(Escaped("\xC0\xAF"), fffd + fffd);                       // overlong '/'
    EXPECT_EQ(Escaped("\xED\xA0\x80"), fffd + fffd + fffd);            // a surrogate
    EXPECT_EQ(Escaped("\x1b[1mbold"), fffd + "[1mbold");               // a terminal escape
    EXPECT_EQ(Escaped("\xC2\x85"), fffd + fffd);                       // C1 control U+0085
}

// Writes a small SVG, as gnuplot would, and returns its path.
std::string TinySvg(const ScratchDir &dir, const std::string &name) {
    const std::string path = dir / name;
    std::ofstream(path) << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                           "<svg width=\"800\" height=\"500\" viewBox=\"0 0 800 500\" "
                           "xmlns=\"http://www.w3.org/2000/svg\" "
                           "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
                           "<rect x=\"0\" y=\"0\" width=\"800\" height=\"500\" fill=\"#0072B2\"/>\n"
                           "</svg>\n";
    return path;
}

std::string Page(const msc_html_section *sec, int n, const char *title = "Study <1>",
                 msc_status want = MSC_OK) {
    return CaptureFile([&](FILE *f) {
        char err[512] = "";
        EXPECT_EQ(msc_html_write(f, title, sec, n, err, sizeof err), want) << err;
    });
}

size_t Count(const std::string &text, const std::string &what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
    return n;
}

TEST(Html, ReplacesBidirectionalControls) {
    const std::string fffd = "\xEF\xBF\xBD";
    // U+202E RIGHT-TO-LEFT OVERRIDE would show the rest of a title reversed
    EXPECT_EQ(Escaped("serial=0.3 \xE2\x80\xAE" "gnorts"), "serial=0.3 " + fffd + "gnorts");
    const char *const bidi[] = {
        "\xD8\x9C",                                                     // U+061C ALM
        "\xE2\x80\x8E", "\xE2\x80\x8F",                                 // U+200E LRM, U+200F RLM
        "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE", // U+202A-E
        "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"};  // U+2066-9
    for (const char *c : bidi) {
        const std::string in = std::string("a") + c + "b";
        EXPECT_EQ(Escaped(in.c_str()), "a" + fffd + "b") << "one U+FFFD for " << in.size() - 2 << " bytes";
    }
    // their neighbours are ordinary text: U+061B, U+200D ZWJ, U+2010, U+2029, U+202F, U+2065, U+206A
    for (const char *c : {"\xD8\x9B", "\xE2\x80\x8D", "\xE2\x80\x90", "\xE2\x80\xA9",
                          "\xE2\x80\xAF", "\xE2\x81\xA5", "\xE2\x81\xAA"})
        EXPECT_EQ(Escaped(c), c);
    // and on the page: the group's heading, its contents entry and the plots' alt text
    msc_html_section sec;
    std::memset(&sec, 0, sizeof sec);
    sec.title = "amdahl \xE2\x81\xA7" "gnorts\xE2\x81\xA9 ok";
    const std::string page = Page(&sec, 1, "Study \xE2\x80\xAE" "1");
    EXPECT_EQ(page.find("\xE2\x80\xAE"), std::string::npos);
    EXPECT_EQ(page.find("\xE2\x81\xA7"), std::string::npos);
    EXPECT_TRUE(Has(page, "<title>Study " + fffd + "1</title>")) << page;
    EXPECT_TRUE(Has(page, "<h2>amdahl " + fffd + "gnorts" + fffd + " ok</h2>")) << page;
}

TEST(Html, PageIsSelfContainedWithPlotsInline) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    const std::string svg = TinySvg(dir, "speedup.svg");
    msc_html_section sec;
    std::memset(&sec, 0, sizeof sec);
    sec.title = "amdahl serial=0.2 [0, 1000) strong & <fast>";
    sec.sum = &s;
    sec.report_text = "Strong-scaling sweep <table>\nAmdahl: f = 0.2 & more\n";
    sec.plot_svg[MSC_PLOT_SPEEDUP] = svg.c_str();
    sec.plot_svg[MSC_PLOT_TIME] = svg.c_str();
    const std::string page = Page(&sec, 1);

    EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 0), 0u);
    EXPECT_TRUE(Has(page, "<title>Study &lt;1&gt;</title>"));
    EXPECT_TRUE(Has(page, "<h2>amdahl serial=0.2 [0, 1000) strong &amp; &lt;fast&gt;</h2>"));
    EXPECT_TRUE(Has(page, "<pre>Strong-scaling sweep &lt;table&gt;\nAmdahl: f = 0.2 &amp; more\n</pre>"));
    EXPECT_TRUE(Has(page, std::string("Written by mpiscale ") + MSC_VERSION));
    EXPECT_TRUE(Has(page, "</html>\n"));
    // self-contained: nothing fetched, nothing run
    EXPECT_FALSE(Has(page, "http://")) << "the SVG namespaces appear only inside base64";
    EXPECT_FALSE(Has(page, "https://"));
    EXPECT_FALSE(Has(page, "<script"));
    EXPECT_FALSE(Has(page, "<link"));
    EXPECT_FALSE(Has(page, "url("));
    EXPECT_EQ(Count(page, "src=\""), Count(page, "src=\"data:image/svg+xml;base64,"));
    // two plots, each with alt text, decoding back to the file
    EXPECT_EQ(Count(page, "<img "), 2u);
    EXPECT_EQ(Count(page, "alt=\"Speedup against ranks p: amdahl serial=0.2 [0, 1000) strong &amp; "
                          "&lt;fast&gt;\""), 1u);
    EXPECT_EQ(Count(page, "alt=\"Wall time against ranks p (log-log): "), 1u);
    EXPECT_EQ(Count(page, "width=\"800\" height=\"500\""), 2u);
    const std::string key = "src=\"data:image/svg+xml;base64,";
    const size_t at = page.find(key) + key.size();
    bool ok = false;
    EXPECT_EQ(Base64Decode(page.substr(at, page.find('"', at) - at), &ok), ReadFile(svg));
    EXPECT_TRUE(ok);
    // balanced structure
    for (const char *tag : {"section", "table", "tr", "pre", "figure", "ul", "li", "h2"})
        EXPECT_EQ(Count(page, std::string("<") + tag + ">") + Count(page, std::string("<") + tag + " "),
                  Count(page, std::string("</") + tag + ">"))
            << tag;
}

TEST(Html, TableHasOneRowPerPointAndTheFits) {
    msc_sweep_summary s = StrongSummary();
    s.rows[2].oversubscribed = 1;
    s.rows[3].verified = 0;
    msc_html_section sec;
    std::memset(&sec, 0, sizeof sec);
    sec.title = "g";
    sec.sum = &s;
    const std::string page = Page(&sec, 1);
    EXPECT_EQ(Count(page, "<tr>"), 6u); // header and five points
    EXPECT_TRUE(Has(page, "<th>Karp&ndash;Flatt e(p)</th>"));
    EXPECT_TRUE(Has(page, "<tr><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">3</td>"))
        << page;
    EXPECT_TRUE(Has(page, "<td class=\"n\">4*</td>"));
    EXPECT_TRUE(Has(page, "* ranks shared cores at this p"));
    EXPECT_TRUE(Has(page, "<td><strong>NO</strong></td>"));
    EXPECT_TRUE(Has(page, "<code>0123456789abcdef</code>"));
    // Karp-Flatt is undefined at p = 1
    EXPECT_TRUE(Has(page, "<td class=\"n\">100.0%</td><td class=\"n\">&ndash;</td>")) << page;
    char f[80];
    std::snprintf(f, sizeof f, "<li>Amdahl: serial fraction f = %.4f (95%% interval", s.amdahl.f);
    EXPECT_TRUE(Has(page, f));
    EXPECT_TRUE(Has(page, "<li>USL: contention &sigma; = "));
    EXPECT_FALSE(Has(page, "<img"));
    EXPECT_FALSE(Has(page, "<pre>"));
}

TEST(Html, ManySectionsGetAContentsList) {
    const msc_sweep_summary strong = StrongSummary({4}), weak = WeakSummary();
    msc_html_section sec[2];
    std::memset(sec, 0, sizeof sec);
    sec[0].title = "one point";
    sec[0].sum = &strong;
    sec[1].title = "weak";
    sec[1].sum = &weak;
    const std::string page = Page(sec, 2);
    EXPECT_TRUE(Has(page, "<li><a href=\"#g1\">one point</a></li>\n<li><a href=\"#g2\">weak</a></li>"));
    EXPECT_TRUE(Has(page, "<section id=\"g2\">"));
    EXPECT_TRUE(Has(page, "<li>Amdahl: not fitted: ")) << page;
    EXPECT_TRUE(Has(page, "<th>scaled speedup</th>"));
    EXPECT_TRUE(Has(page, "<li>Gustafson: serial fraction &alpha; = "));
    EXPECT_EQ(Page(nullptr, 0).find("<section"), std::string::npos);
}

TEST(Html, UnreadablePlotFailsBeforeAnythingIsWritten) {
    ScratchDir dir;
    const std::string missing = dir / "missing.svg";
    const std::string text = dir / "not.svg";
    std::ofstream(text) << "just text\n";
    msc_html_section sec;
    std::memset(&sec, 0, sizeof sec);
    sec.title = "g";
    sec.plot_svg[MSC_PLOT_EFFICIENCY] = missing.c_str();
    char err[512] = "";
    std::string page = CaptureFile([&](FILE *f) {
        EXPECT_EQ(msc_html_write(f, "t", &sec, 1, err, sizeof err), MSC_ERR_IO);
    });
    EXPECT_EQ(page, "");
    EXPECT_EQ(std::string(err), "cannot read plot '" + missing + "': No such file or directory");
    sec.plot_svg[MSC_PLOT_EFFICIENCY] = text.c_str();
    page = CaptureFile([&](FILE *f) {
        EXPECT_EQ(msc_html_write(f, "t", &sec, 1, err, sizeof err), MSC_ERR_IO);
    });
    EXPECT_EQ(page, "");
    EXPECT_EQ(std::string(err), "plot '" + text + "' is not an SVG file (no <svg> near its start)");
    EXPECT_EQ(msc_html_write(stdout, "t", nullptr, 1, err, sizeof err), MSC_ERR_USAGE);
}

// ---- gnuplot -----------------------------------------------------------------------------------

struct PngInfo {
    bool ok = false;
    unsigned width = 0, height = 0;
    std::string message;
    std::vector<unsigned char> rgb;
};

PngInfo ReadPng(const std::string &path) {
    PngInfo info;
    png_image img;
    std::memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path.c_str())) {
        info.message = img.message;
        return info;
    }
    img.format = PNG_FORMAT_RGB;
    info.rgb.resize(PNG_IMAGE_SIZE(img));
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&img, &white, info.rgb.data(), 0, nullptr)) {
        info.message = img.message;
        return info;
    }
    info.ok = true;
    info.width = img.width;
    info.height = img.height;
    return info;
}

// Pixels within 40 of #rrggbb in every channel, as msc_png_probe counts them.
long Pixels(const PngInfo &png, const char *hex) {
    const unsigned long v = std::strtoul(hex, nullptr, 16);
    const int want[3] = {static_cast<int>(v >> 16 & 255), static_cast<int>(v >> 8 & 255),
                         static_cast<int>(v & 255)};
    long n = 0;
    for (size_t i = 0; i + 2 < png.rgb.size(); i += 3) {
        bool near = true;
        for (int c = 0; c < 3; c++) near = near && std::abs(png.rgb[i + c] - want[c]) <= 40;
        n += near;
    }
    return n;
}

// Whether text is well-formed XML as far as tags go: every element closed in order, attributes
// quoted, comments, processing instructions, CDATA and the doctype skipped. Returns "" or the fault.
std::string XmlFault(const std::string &x) {
    std::vector<std::string> open;
    size_t i = 0;
    int roots = 0;
    while ((i = x.find('<', i)) != std::string::npos) {
        auto skip = [&](const char *start, const char *end) {
            if (x.compare(i, std::strlen(start), start) != 0) return false;
            const size_t e = x.find(end, i);
            i = e == std::string::npos ? x.size() : e + std::strlen(end);
            return true;
        };
        if (skip("<?", "?>") || skip("<!--", "-->") || skip("<![CDATA[", "]]>") || skip("<!", ">"))
            continue;
        const bool closing = x[i + 1] == '/';
        size_t j = i + 1 + closing;
        const size_t name_end = x.find_first_of(" \t\r\n/>", j);
        if (name_end == std::string::npos) return "unterminated tag";
        const std::string name = x.substr(j, name_end - j);
        if (name.empty()) return "empty tag name at " + std::to_string(i);
        j = name_end;
        char quote = 0;
        while (j < x.size() && (quote || x[j] != '>')) {
            if (quote && x[j] == quote)
                quote = 0;
            else if (!quote && (x[j] == '"' || x[j] == '\''))
                quote = x[j];
            else if (!quote && x[j] == '<')
                return "'<' inside tag " + name;
            j++;
        }
        if (j >= x.size()) return "unterminated tag " + name;
        const bool self = x[j - 1] == '/';
        if (closing) {
            if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
            open.pop_back();
        } else if (!self) {
            if (open.empty()) roots++;
            open.push_back(name);
        }
        i = j + 1;
    }
    if (!open.empty()) return "<" + open.back() + "> never closed";
    if (roots != 1) return "not exactly one root element";
    return "";
}

// Runs msc_plot_write into dir with prefix "study-", requiring success.
void WritePlots(const ScratchDir &dir, const msc_sweep_summary &s, const char *title) {
    char err[1024] = "";
    const std::string prefix = dir / "study-";
    ASSERT_EQ(msc_plot_write(&s, title, prefix.c_str(), err, sizeof err), MSC_OK)
        << err << " (the plot tests need gnuplot)";
}

TEST(PlotWrite, WritesPngAndSvgOfThePlotSizeWithThePlotColours) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    ASSERT_NO_FATAL_FAILURE(WritePlots(dir, s, "amdahl f=0.2 'quoted' & <b> `x`"));
    for (int k = 0; k < MSC_PLOT_COUNT; k++) {
        const std::string base = dir / (std::string("study-") + msc_plot_name(msc_plot_kind(k)));
        const PngInfo png = ReadPng(base + ".png");
        ASSERT_TRUE(png.ok) << base << ".png: " << png.message;
        EXPECT_EQ(png.width, unsigned(MSC_PLOT_WIDTH));
        EXPECT_EQ(png.height, unsigned(MSC_PLOT_HEIGHT));
        EXPECT_GT(Pixels(png, MSC_PLOT_RGB_MEASURED), 200) << base;
        EXPECT_GT(Pixels(png, MSC_PLOT_RGB_AMDAHL), 200) << base;
        EXPECT_GT(Pixels(png, MSC_PLOT_RGB_IDEAL), 50) << base;
        if (k == MSC_PLOT_SPEEDUP)
            EXPECT_GT(Pixels(png, MSC_PLOT_RGB_USL), 200) << base;
        else
            EXPECT_EQ(Pixels(png, MSC_PLOT_RGB_USL), 0) << base;

        const std::string svg = ReadFile(base + ".svg");
        EXPECT_EQ(svg.rfind("<?xml", 0), 0u) << base << ".svg";
        EXPECT_EQ(XmlFault(svg), "") << base << ".svg";
        EXPECT_TRUE(Has(svg, "<svg \n width=\"800\" height=\"500\"\n viewBox=\"0 0 800 500\"")) << svg.substr(0, 300);
        EXPECT_TRUE(Has(svg, "rgb(  0, 114, 178)")); // #0072B2
        EXPECT_TRUE(Has(svg, "<text>amdahl f=0.2 'quoted' &amp; &lt;b> `x`</text>"))
            << "the title, escaped for XML by gnuplot";
    }
    EXPECT_EQ(XmlFault("<a><b></a></b>"), "unexpected </a>");
}

TEST(PlotWrite, RendersOnePointWeakAndNonFiniteStudies) {
    ScratchDir dir;
    msc_sweep_summary nan = StrongSummary();
    nan.rows[1].speedup = NAN;
    nan.rows[2].wall.median = NAN;
    for (const msc_sweep_summary &s : {StrongSummary({1}), StrongSummary({3}), WeakSummary(), nan}) {
        ASSERT_NO_FATAL_FAILURE(WritePlots(dir, s, "edge case"));
        for (int k = 0; k < MSC_PLOT_COUNT; k++) {
            const std::string base = dir / (std::string("study-") + msc_plot_name(msc_plot_kind(k)));
            const PngInfo png = ReadPng(base + ".png");
            ASSERT_TRUE(png.ok) << png.message;
            EXPECT_EQ(png.width, unsigned(MSC_PLOT_WIDTH));
            EXPECT_EQ(png.height, unsigned(MSC_PLOT_HEIGHT));
            EXPECT_GT(Pixels(png, MSC_PLOT_RGB_MEASURED), 50) << base;
            EXPECT_EQ(XmlFault(ReadFile(base + ".svg")), "");
        }
    }
}

TEST(PlotWrite, MissingGnuplotSaysToInstallGnuplotNox) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    char err[512] = "";
    const std::string prefix = dir / "x-";
    {
        EnvVar env("MSC_GNUPLOT", "msc-no-such-gnuplot");
        EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
        EXPECT_STREQ(err, "gnuplot not found: MSC_GNUPLOT names 'msc-no-such-gnuplot', which is not "
                          "a program (install Debian's gnuplot-nox, or set MSC_GNUPLOT to gnuplot's "
                          "path)");
    }
    {
        EnvVar env("MSC_GNUPLOT", "");
        EnvVar path("PATH", (dir / "empty-bin").c_str());
        EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
        EXPECT_TRUE(Has(err, "gnuplot not found on PATH: install Debian's gnuplot-nox")) << err;
    }
}

TEST(PlotWrite, ReportsGnuplotsOwnErrorMessage) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    const std::string fake = dir / "fake-gnuplot";
    WriteExecutable(fake, "#!/bin/sh\necho '\"/dev/stdin\" line 3: boom' >&2\necho '   ^' >&2\n"
                          "exit 1\n");
    EnvVar env("MSC_GNUPLOT", fake.c_str());
    char err[512] = "";
    const std::string prefix = dir / "x-";
    EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err),
              "gnuplot ('" + fake + "') failed (exit status 1): \"/dev/stdin\" line 3: boom");
}

// Every file in dir by name, with its contents.
std::map<std::string, std::string> Files(const ScratchDir &dir) {
    std::map<std::string, std::string> files;
    for (const auto &e : std::filesystem::directory_iterator(dir / ""))
        files[e.path().filename().string()] = ReadFile(e.path().string());
    return files;
}

// The names in files that look like msc_plot_write's temporary files.
std::vector<std::string> TempNames(const std::map<std::string, std::string> &files) {
    std::vector<std::string> names;
    for (const auto &f : files)
        if (Has(f.first, ".tmp.")) names.push_back(f.first);
    return names;
}

// A fake gnuplot: it reads the script on /dev/stdin ($1), logs the names of its 'set output' lines
// to log, writes `content` to each, and ends with `end` (shell).
std::string FakeGnuplot(const std::string &log, const std::string &content, const std::string &end) {
    return "#!/bin/sh\n"
           "sed -n 's/^set output .\\(.*\\).$/\\1/p' \"$1\" >'" + log + "'\n"
           "while IFS= read -r f; do printf '%s' '" + content + "' >\"$f\"; done <'" + log + "'\n"
           "echo 'gnuplot: cannot write: Disk quota exceeded' >&2\n" +
           end + "\n";
}

TEST(PlotWrite, AMissingOutputFileIsAnError) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    const std::string fake = dir / "lazy-gnuplot";
    WriteExecutable(fake, "#!/bin/sh\ncat >/dev/null\nexit 0\n");
    const std::string prefix = dir / "x-";
    std::ofstream(prefix + "speedup.png") << "stale"; // an earlier run's file does not count
    EnvVar env("MSC_GNUPLOT", fake.c_str());
    char err[512] = "";
    EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "gnuplot finished without writing '" + prefix + "speedup.png'");
    EXPECT_EQ(ReadFile(prefix + "speedup.png"), "stale") << "and it is left as it was";
}

TEST(PlotWrite, AFailingGnuplotLeavesThePreviousPlotsAndNoTemporaryFile) {
    ScratchDir dir, bin;
    const msc_sweep_summary s = StrongSummary();
    ASSERT_NO_FATAL_FAILURE(WritePlots(dir, s, "the good plots"));
    const std::map<std::string, std::string> before = Files(dir);
    ASSERT_EQ(before.size(), 6u);
    const std::string fake = bin / "dying-gnuplot", log = bin / "outputs.log";
    const std::string prefix = dir / "study-";
    // dies half-way: every output started, then an error exit or a signal (as under ulimit -f)
    for (const char *end : {"exit 1", "kill -KILL $$"}) {
        SCOPED_TRACE(end);
        ASSERT_NO_FATAL_FAILURE(WriteExecutable(fake, FakeGnuplot(log, "\\211PNG partial", end)));
        EnvVar env("MSC_GNUPLOT", fake.c_str());
        char err[512] = "";
        EXPECT_EQ(msc_plot_write(&s, "other plots", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
        const std::string how = end[0] == 'e' ? "exit status 1" : "killed by signal 9";
        EXPECT_EQ(std::string(err), "gnuplot ('" + fake + "') failed (" + how +
                                        "): gnuplot: cannot write: Disk quota exceeded");
        // the fake did write: to temporary names next to the final ones
        std::istringstream outs(ReadFile(log));
        std::string line;
        int n = 0;
        for (; std::getline(outs, line); n++)
            EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
        EXPECT_EQ(n, 6);
        EXPECT_TRUE(Has(ReadFile(log), prefix + "speedup.png.tmp." + std::to_string(getpid()) + "\n"))
            << ReadFile(log);
        const std::map<std::string, std::string> after = Files(dir);
        EXPECT_TRUE(TempNames(after).empty()) << TempNames(after)[0];
        EXPECT_TRUE(after == before) << "the previous plots, byte for byte";
    }
    // exits 0 with every file cut short (a full disk), or with one left empty
    {
        ASSERT_NO_FATAL_FAILURE(WriteExecutable(fake, FakeGnuplot(log, "<svg partial", "exit 0")));
        EnvVar env("MSC_GNUPLOT", fake.c_str());
        char err[512] = "";
        EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
        EXPECT_EQ(std::string(err),
                  "gnuplot wrote '" + prefix + "speedup.png' incompletely (is the disk full?)");
        EXPECT_TRUE(Files(dir) == before);
    }
    {
        ASSERT_NO_FATAL_FAILURE(WriteExecutable(fake, FakeGnuplot(log, "", "exit 0")));
        EnvVar env("MSC_GNUPLOT", fake.c_str());
        char err[512] = "";
        EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
        EXPECT_EQ(std::string(err), "gnuplot finished without writing '" + prefix + "speedup.png'");
        EXPECT_TRUE(Files(dir) == before);
    }
}

TEST(PlotWrite, AFileSizeLimitLeavesThePreviousPlots) {
    // the real gnuplot under `ulimit -f`: it cannot write a whole PNG
    ScratchDir dir, bin;
    const msc_sweep_summary s = StrongSummary();
    ASSERT_NO_FATAL_FAILURE(WritePlots(dir, s, "the good plots"));
    const std::map<std::string, std::string> before = Files(dir);
    const char *real = std::getenv("MSC_GNUPLOT");
    const std::string gnuplot = real != nullptr && real[0] ? real : "gnuplot";
    const std::string wrapper = bin / "limited-gnuplot";
    ASSERT_NO_FATAL_FAILURE(
        WriteExecutable(wrapper, "#!/bin/sh\nulimit -f 8 || exit 99\nexec '" + gnuplot + "' \"$@\"\n"));
    EnvVar env("MSC_GNUPLOT", wrapper.c_str());
    char err[512] = "";
    const std::string prefix = dir / "study-";
    EXPECT_EQ(msc_plot_write(&s, "other plots", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_FALSE(Has(err, "exit status 99")) << err;
    const std::map<std::string, std::string> after = Files(dir);
    EXPECT_TRUE(TempNames(after).empty()) << TempNames(after)[0];
    EXPECT_TRUE(after == before) << err;
}

TEST(PlotWrite, ASuccessfulRunReplacesThePlotsAndLeavesNoTemporaryFile) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    std::ofstream(dir / "study-speedup.png") << "stale";
    std::ofstream(dir / "study-time.svg") << "stale";
    for (const char *title : {"first", "second"}) {
        ASSERT_NO_FATAL_FAILURE(WritePlots(dir, s, title));
        const std::map<std::string, std::string> files = Files(dir);
        EXPECT_TRUE(TempNames(files).empty()) << TempNames(files)[0];
        EXPECT_EQ(files.size(), 6u);
        for (const auto &f : files) EXPECT_GT(f.second.size(), 1000u) << f.first;
        EXPECT_TRUE(ReadPng(dir / "study-speedup.png").ok);
        EXPECT_TRUE(Has(ReadFile(dir / "study-time.svg"), std::string("<text>") + title + "</text>"));
    }
}

TEST(PlotWrite, AnUnwritableOutputIsGnuplotsError) {
    ScratchDir dir;
    const msc_sweep_summary s = StrongSummary();
    const std::string prefix = dir / "no-such-dir/x-";
    char err[512] = "";
    EXPECT_EQ(msc_plot_write(&s, "t", prefix.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_TRUE(Has(err, "failed (exit status 1): ")) << err;
    EXPECT_TRUE(Has(err, "cannot open file")) << err;
}

} // namespace
