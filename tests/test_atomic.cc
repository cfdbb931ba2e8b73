// test_atomic.cc — whole-or-nothing files: a write replaces the file with exactly the data, keeps
// its mode and its symbolic link; an append adds one line (the head first on an empty file, a
// newline after a torn last line); every failure, including a write cut short by the file size
// limit or by the mode bits (tested as nobody, in a child, when the suite runs as root), leaves the
// old file byte for byte and no temporary file behind; processes appending at once each keep
// every record.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "mpiscale/atomic.h"
#include "scratch.h"

namespace {

void WriteFile(const std::string &path, const std::string &text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << path;
}

// The names in dir, hidden ones included (a leftover temporary is ".<name>.tmp.XXXXXX").
std::set<std::string> List(const std::string &dir) {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec)) names.insert(e.path().filename());
    EXPECT_FALSE(ec) << dir << ": " << ec.message();
    return names;
}

unsigned Mode(const std::string &path) {
    struct stat sb;
    EXPECT_EQ(stat(path.c_str(), &sb), 0) << path;
    return sb.st_mode & 07777;
}

msc_status Write(const std::string &path, const std::string &data, char *err, size_t len) {
    return msc_atomic_write(path.c_str(), data.data(), data.size(), err, len);
}

// Sets the umask for one test and restores it afterwards.
class Umask {
public:
    explicit Umask(mode_t m) : old_(umask(m)) {}
    ~Umask() { umask(old_); }
    Umask(const Umask &) = delete;
    Umask &operator=(const Umask &) = delete;

private:
    mode_t old_;
};

// What a forked child reports back (see Spawn), or, with exit_code 0, what fn did in this process.
struct ChildResult {
    int exit_code = -1;     // the child's; 128 + the signal when one killed it
    msc_status st = MSC_OK; // fn's status
    std::string err;        // fn's message, or "set-up failed: why" (exit code 2)
    std::string skip;       // set when the test cannot be run here (see RunWithPermissionsEnforced)
};

// A child process whose report is still to be read.
struct Child {
    pid_t pid = -1;
    int fd = -1; // the read end of its report pipe
};

// Forks a child that calls prepare() ("" when done, else why not) and then fn(err, len), and
// sends back through a pipe 'R', fn's status and message, or 'S' and why the set-up failed.
// The child leaves by _exit: no destructor (a ScratchDir's!) or test-framework code runs twice.
// An alarm ends a child that hangs, so a broken lock fails the test instead of stalling it.
template <typename Prep, typename Fn>
Child Spawn(Prep prepare, Fn fn) {
    Child c;
    int fds[2];
    if (pipe(fds) != 0) {
        ADD_FAILURE() << "pipe: " << std::strerror(errno);
        return c;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        ADD_FAILURE() << "fork: " << std::strerror(errno);
        close(fds[0]);
        close(fds[1]);
        return c;
    }
    if (pid == 0) {
        close(fds[0]);
        alarm(20);
        const std::string why = prepare();
        char err[512] = "";
        char tag = 'R';
        int st = 0;
        if (!why.empty()) {
            tag = 'S';
            snprintf(err, sizeof err, "set-up failed: %s", why.c_str());
        } else {
            st = static_cast<int>(fn(err, sizeof err));
        }
        const size_t n = std::strlen(err);
        if (write(fds[1], &tag, 1) != 1) _exit(3);
        if (tag == 'R' && write(fds[1], &st, sizeof st) != static_cast<ssize_t>(sizeof st)) _exit(3);
        if (write(fds[1], err, n) != static_cast<ssize_t>(n)) _exit(3);
        close(fds[1]);
        _exit(tag == 'S' ? 2 : 0);
    }
    close(fds[1]);
    c.pid = pid;
    c.fd = fds[0];
    return c;
}

// Reads what c reports and waits for it to end.
ChildResult Collect(const Child &c) {
    ChildResult r;
    if (c.pid < 0) return r;
    char tag = 0;
    int st = 0;
    if (read(c.fd, &tag, 1) == 1 &&
        (tag != 'R' || read(c.fd, &st, sizeof st) == static_cast<ssize_t>(sizeof st))) {
        char buf[512];
        ssize_t got;
        while ((got = read(c.fd, buf, sizeof buf)) > 0) r.err.append(buf, static_cast<size_t>(got));
        if (tag == 'R') r.st = static_cast<msc_status>(st);
    }
    close(c.fd);
    int status = 0;
    EXPECT_EQ(waitpid(c.pid, &status, 0), c.pid);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

template <typename Prep, typename Fn>
ChildResult RunInChild(Prep prepare, Fn fn) {
    return Collect(Spawn(prepare, fn));
}

// Runs fn in a forked child with the file size limit at limit_bytes (SIGXFSZ ignored, so a write
// past it fails with EFBIG instead of killing the child); the parent's limit and signal
// dispositions stay as they were.
template <typename Fn>
ChildResult RunWithFileSizeLimit(rlim_t limit_bytes, Fn fn) {
    return RunInChild(
        [limit_bytes]() -> std::string {
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = limit_bytes;
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                return std::string("setrlimit: ") + std::strerror(errno);
            return "";
        },
        fn);
}

constexpr uid_t kNobody = 65534;  // nobody
constexpr gid_t kNogroup = 65534; // nogroup

// In a child running as root: becomes nobody:nogroup, with no supplementary groups, for good.
// "" when done, else the step that failed and why.
std::string DropRootForGood() {
    const auto failed = [](const char *call) {
        return std::string("giving up root: ") + call + ": " + std::strerror(errno);
    };
    if (setgroups(0, nullptr) != 0) return failed("setgroups(0)");
    if (setgid(kNogroup) != 0) return failed("setgid(65534)");
    if (setuid(kNobody) != 0) return failed("setuid(65534)");
    if (getuid() != kNobody || geteuid() != kNobody || getgid() != kNogroup || getegid() != kNogroup)
        return "giving up root: still another user or group id after setuid/setgid";
    if (setuid(0) == 0) return "giving up root: setuid(0) succeeded afterwards";
    return "";
}

// "" when this process can reach path but access(path, what) refuses it, as a permission test
// needs; else why not.
std::string Refused(const std::string &path, int what) {
    if (access(path.c_str(), F_OK) != 0)
        return "cannot reach '" + path + "': " + std::strerror(errno) +
               " (the directories above the scratch directory must be searchable by all)";
    if (access(path.c_str(), what) == 0)
        return "the mode bits of '" + path + "' do not refuse this user";
    if (errno != EACCES) return "access('" + path + "'): " + std::strerror(errno);
    return "";
}

// Runs fn(err, len) where the mode bits of the files the test made hold, check() ("" or why not)
// confirming first that they refuse what the test needs. A user other than root: right here. Root,
// whom they do not stop (and CI runs as root): in a child that gives root up for good and becomes
// nobody, after the scratch directory is opened to it (mkdtemp made it 0700) and `owned` (what
// the test made) is given to it, so that the mode bits alone refuse, as they do for an owner.
// A child that cannot drop root fails the test rather than skipping it: a skip would quietly
// hide these tests again wherever they run as root, and root with CAP_SETUID can always drop
// (a sandbox that forbids it is one where this test must be looked at, not passed over).
// The one skip left: a user other than root whom the mode bits do not stop (capabilities such
// as CAP_DAC_OVERRIDE) and who cannot become another user to be stopped.
template <typename Check, typename Fn>
ChildResult RunWithPermissionsEnforced(const ScratchDir &dir, const std::vector<std::string> &owned,
                                       Check check, Fn fn) {
    ChildResult r;
    if (geteuid() != 0) {
        const std::string why = check();
        if (!why.empty()) {
            r.skip = "not root, yet " + why + ", and cannot become another user";
            return r;
        }
        char err[512] = "";
        r.st = fn(err, sizeof err);
        r.err = err;
        r.exit_code = 0;
        return r;
    }
    if (chmod(dir.path().c_str(), 0755) != 0) {
        r.err = "chmod '" + dir.path() + "': " + std::strerror(errno);
        return r;
    }
    for (const std::string &p : owned)
        if (lchown(p.c_str(), kNobody, kNogroup) != 0) {
            r.err = "chown '" + p + "': " + std::strerror(errno);
            return r;
        }
    return RunInChild(
        [&]() -> std::string {
            const std::string why = DropRootForGood();
            return why.empty() ? check() : why;
        },
        fn);
}

// Shut until Open(): children that Wait() on it block until then, so that they start together.
class StartGate {
public:
    StartGate() { EXPECT_EQ(pipe(fds_), 0) << std::strerror(errno); }
    ~StartGate() {
        for (int fd : fds_)
            if (fd >= 0) close(fd);
    }
    StartGate(const StartGate &) = delete;
    StartGate &operator=(const StartGate &) = delete;
    // In a child: closes its copy of the write end, then reads until the parent's goes (EOF).
    void Wait() {
        close(fds_[1]);
        char c;
        while (read(fds_[0], &c, 1) < 0 && errno == EINTR) {
        }
    }
    void Open() {
        if (fds_[1] >= 0) close(fds_[1]);
        fds_[1] = -1;
    }

private:
    int fds_[2] = {-1, -1};
};

// Where the tests that append hundreds of times make their scratch directory: a tmpfs
// (/dev/shm) when there is one to write to, where fsync costs nothing; on a disk the file and
// directory fsyncs of 400 appends take seconds, and those tests are about the lock, not about
// durability.
std::string FastTempDir() {
    struct stat sb;
    if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK | X_OK) == 0)
        return "/dev/shm/";
    return testing::TempDir();
}

// "child C line N" for N in [0, n_lines): the records one appender writes.
std::vector<std::string> ChildLines(int child, int n_lines) {
    std::vector<std::string> lines;
    for (int i = 0; i < n_lines; ++i)
        lines.push_back("child " + std::to_string(child) + " line " + std::to_string(i));
    return lines;
}

// Appends lines to path one msc_atomic_append at a time (head "h"); the first failure stops it.
msc_status AppendAll(const std::string &path, const std::vector<std::string> &lines, char *err,
                     size_t len) {
    for (const std::string &line : lines) {
        const msc_status st = msc_atomic_append(path.c_str(), "h", line.c_str(), err, len);
        if (st != MSC_OK) return st;
    }
    return MSC_OK;
}

// The lines of text, which must end in a newline (each line without it).
std::vector<std::string> Lines(const std::string &text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    EXPECT_TRUE(!text.empty() && text.back() == '\n') << "no newline at the end";
    return lines;
}

// ---- write ---------------------------------------------------------------------------------------

TEST(Atomic, WriteCreatesANewFileWithExactlyTheData) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "out.txt";
    const std::string data("one\ntwo\0three", 13); // a NUL inside: bytes, not a C string
    char err[256] = "";
    ASSERT_EQ(Write(path, data, err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(ReadFile(path), data);
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"out.txt"}));
}

TEST(Atomic, WriteReplacesALongerFileWhole) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "out.txt";
    WriteFile(path, "an old and much longer content\nwith two lines\n");
    ASSERT_EQ(Write(path, "new\n", nullptr, 0), MSC_OK);
    EXPECT_EQ(ReadFile(path), "new\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"out.txt"}));
}

TEST(Atomic, WriteOfNothingLeavesAnEmptyFile) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "out.txt";
    WriteFile(path, "old\n");
    ASSERT_EQ(msc_atomic_write(path.c_str(), nullptr, 0, nullptr, 0), MSC_OK);
    EXPECT_EQ(ReadFile(path), "");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"out.txt"}));
}

TEST(Atomic, WriteOfABareFileNameUsesTheCurrentDirectory) {
    const ScratchDir dir("msc_atomic_test");
    char cwd[4096];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    ASSERT_EQ(chdir(dir.path().c_str()), 0);
    char err[256] = "";
    const msc_status st = Write("bare.txt", "x\n", err, sizeof err);
    ASSERT_EQ(chdir(cwd), 0);
    ASSERT_EQ(st, MSC_OK) << err;
    EXPECT_EQ(ReadFile(dir / "bare.txt"), "x\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"bare.txt"}));
}

TEST(Atomic, WriteOfALongFileNameFitsTheTemporaryName) {
    // 250 characters: ".<name>.tmp.XXXXXX" would pass NAME_MAX (255) unless the name is cut.
    const ScratchDir dir("msc_atomic_test");
    const std::string name(250, 'n');
    char err[256] = "";
    ASSERT_EQ(Write(dir / name, "long\n", err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(ReadFile(dir / name), "long\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({name}));
}

TEST(Atomic, NewFileGetsTheModeOpenWouldGiveUnderTheUmask) {
    const ScratchDir dir("msc_atomic_test");
    {
        const Umask u(022);
        ASSERT_EQ(Write(dir / "a.txt", "a\n", nullptr, 0), MSC_OK);
    }
    {
        const Umask u(027);
        ASSERT_EQ(Write(dir / "b.txt", "b\n", nullptr, 0), MSC_OK);
    }
    EXPECT_EQ(Mode(dir / "a.txt"), 0644u);
    EXPECT_EQ(Mode(dir / "b.txt"), 0640u);
}

TEST(Atomic, ExistingFileKeepsItsMode) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "out.txt";
    WriteFile(path, "old\n");
    ASSERT_EQ(chmod(path.c_str(), 0604), 0);
    const Umask u(077); // the umask must not matter for a file that exists
    ASSERT_EQ(Write(path, "new\n", nullptr, 0), MSC_OK);
    EXPECT_EQ(Mode(path), 0604u);
    EXPECT_EQ(ReadFile(path), "new\n");
}

TEST(Atomic, SymlinkStaysALinkAndItsTargetGetsTheData) {
    const ScratchDir dir("msc_atomic_test");
    ASSERT_EQ(mkdir((dir / "shared").c_str(), 0755), 0);
    WriteFile(dir / "shared/real.txt", "old\n");
    ASSERT_EQ(chmod((dir / "shared/real.txt").c_str(), 0640), 0);
    ASSERT_EQ(symlink("shared/real.txt", (dir / "link.txt").c_str()), 0); // relative to the link
    char err[256] = "";
    ASSERT_EQ(Write(dir / "link.txt", "new\n", err, sizeof err), MSC_OK) << err;
    struct stat sb;
    ASSERT_EQ(lstat((dir / "link.txt").c_str(), &sb), 0);
    EXPECT_TRUE(S_ISLNK(sb.st_mode));
    char target[256] = "";
    ASSERT_EQ(readlink((dir / "link.txt").c_str(), target, sizeof target - 1), 15);
    EXPECT_STREQ(target, "shared/real.txt");
    EXPECT_EQ(ReadFile(dir / "shared/real.txt"), "new\n");
    EXPECT_EQ(Mode(dir / "shared/real.txt"), 0640u);
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"link.txt", "shared"}));
    EXPECT_EQ(List(dir / "shared"), std::set<std::string>({"real.txt"}));
}

TEST(Atomic, ChainOfSymlinksIsFollowedToTheEnd) {
    const ScratchDir dir("msc_atomic_test");
    WriteFile(dir / "real.txt", "old\n");
    ASSERT_EQ(symlink((dir / "real.txt").c_str(), (dir / "l1").c_str()), 0); // absolute
    ASSERT_EQ(symlink("l1", (dir / "l2").c_str()), 0);
    ASSERT_EQ(Write(dir / "l2", "new\n", nullptr, 0), MSC_OK);
    EXPECT_EQ(ReadFile(dir / "real.txt"), "new\n");
    struct stat sb;
    ASSERT_EQ(lstat((dir / "l1").c_str(), &sb), 0);
    EXPECT_TRUE(S_ISLNK(sb.st_mode));
    ASSERT_EQ(lstat((dir / "l2").c_str(), &sb), 0);
    EXPECT_TRUE(S_ISLNK(sb.st_mode));
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"l1", "l2", "real.txt"}));
}

TEST(Atomic, DanglingSymlinkCreatesTheFileItNames) {
    const ScratchDir dir("msc_atomic_test");
    ASSERT_EQ(symlink("later.txt", (dir / "link.txt").c_str()), 0);
    char err[256] = "";
    ASSERT_EQ(Write(dir / "link.txt", "first\n", err, sizeof err), MSC_OK) << err;
    struct stat sb;
    ASSERT_EQ(lstat((dir / "link.txt").c_str(), &sb), 0);
    EXPECT_TRUE(S_ISLNK(sb.st_mode));
    EXPECT_EQ(ReadFile(dir / "later.txt"), "first\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"later.txt", "link.txt"}));
}

TEST(Atomic, SymlinkLoopIsIoError) {
    const ScratchDir dir("msc_atomic_test");
    ASSERT_EQ(symlink("b", (dir / "a").c_str()), 0);
    ASSERT_EQ(symlink("a", (dir / "b").c_str()), 0);
    char err[512] = "";
    EXPECT_EQ(Write(dir / "a", "x\n", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + dir / "a" + "': " + std::strerror(ELOOP));
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"a", "b"}));
}

// ---- write failures -------------------------------------------------------------------------------

TEST(Atomic, WriteIntoAMissingDirectoryIsIoErrorNamingThePath) {
    // Fails for root too: no permission check can be skipped past a directory that is not there.
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "missing/runs.jsonl";
    char err[512] = "";
    EXPECT_EQ(Write(path, "x\n", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + path + "': " + std::strerror(ENOENT) +
                                    " (creating a temporary file in '" + dir / "missing" + "')");
    EXPECT_EQ(List(dir.path()), std::set<std::string>());
}

TEST(Atomic, WriteIntoAReadOnlyDirectoryIsIoErrorAndLeavesTheFile) {
    const ScratchDir dir("msc_atomic_test");
    const std::string ro = dir / "ro", path = ro + "/runs.jsonl";
    ASSERT_EQ(mkdir(ro.c_str(), 0755), 0);
    WriteFile(path, "old\n");
    ASSERT_EQ(chmod(ro.c_str(), 0555), 0);
    const ChildResult r = RunWithPermissionsEnforced(
        dir, {ro, path}, [&] { return Refused(ro, W_OK); },
        [&](char *err, size_t len) { return Write(path, "new\n", err, len); });
    if (!r.skip.empty()) GTEST_SKIP() << r.skip;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.st, MSC_ERR_IO);
    EXPECT_EQ(r.err, "'" + path + "': " + std::strerror(EACCES) + " (creating a temporary file in '" +
                         ro + "')");
    EXPECT_EQ(ReadFile(path), "old\n");
    EXPECT_EQ(List(ro), std::set<std::string>({"runs.jsonl"}));
}

TEST(Atomic, WriteOverADirectoryIsIoError) {
    const ScratchDir dir("msc_atomic_test");
    ASSERT_EQ(mkdir((dir / "sub").c_str(), 0755), 0);
    char err[512] = "";
    EXPECT_EQ(Write(dir / "sub", "x\n", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + dir / "sub" + "': is a directory");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"sub"}));
    EXPECT_EQ(List(dir / "sub"), std::set<std::string>());
}

TEST(Atomic, WriteToANameEndingInASlashIsIoError) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "notyet/";
    char err[512] = "";
    EXPECT_EQ(Write(path, "x\n", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + path + "': names a directory");
    EXPECT_EQ(List(dir.path()), std::set<std::string>());
}

TEST(Atomic, WriteToAnEmptyNameIsIoError) {
    char err[512] = "";
    EXPECT_EQ(msc_atomic_write("", "x", 1, err, sizeof err), MSC_ERR_IO);
    EXPECT_STREQ(err, "empty file name");
}

TEST(Atomic, WriteUnderARegularFileIsIoError) {
    const ScratchDir dir("msc_atomic_test");
    WriteFile(dir / "file", "f\n");
    const std::string path = dir / "file/out.txt";
    char err[512] = "";
    EXPECT_EQ(Write(path, "x\n", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + path + "': " + std::strerror(ENOTDIR));
    EXPECT_EQ(ReadFile(dir / "file"), "f\n");
}

TEST(Atomic, WriteCutShortBySizeLimitLeavesTheOldFileAndNoTemporary) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.jsonl";
    const std::string old = "{\"old\": 1}\n{\"old\": 2}\n";
    WriteFile(path, old);
    const std::string big(10000, 'b'); // 1000 bytes of it fit under the limit, then EFBIG
    const ChildResult r = RunWithFileSizeLimit(1000, [&](char *err, size_t len) {
        return Write(path, big, err, len);
    });
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.st, MSC_ERR_IO);
    EXPECT_EQ(r.err, "'" + path + "': write: " + std::strerror(EFBIG));
    EXPECT_EQ(ReadFile(path), old);
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.jsonl"}));
}

TEST(Atomic, WriteOfANewFileCutShortCreatesNothing) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "new.jsonl";
    const ChildResult r = RunWithFileSizeLimit(10, [&](char *err, size_t len) {
        return Write(path, std::string(100, 'x'), err, len);
    });
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.st, MSC_ERR_IO);
    EXPECT_EQ(r.err, "'" + path + "': write: " + std::strerror(EFBIG));
    EXPECT_EQ(List(dir.path()), std::set<std::string>());
}

TEST(Atomic, WriteToANonRegularFileWritesItInPlace) {
    // /dev/null cannot be replaced (and must never be): it is written directly, and stays.
    struct stat before;
    if (stat("/dev/null", &before) != 0 || !S_ISCHR(before.st_mode)) GTEST_SKIP() << "no /dev/null";
    char err[256] = "";
    EXPECT_EQ(msc_atomic_write("/dev/null", "x\n", 2, err, sizeof err), MSC_OK) << err;
    struct stat after;
    ASSERT_EQ(stat("/dev/null", &after), 0);
    EXPECT_TRUE(S_ISCHR(after.st_mode));
    EXPECT_EQ(after.st_rdev, before.st_rdev);
    EXPECT_EQ(after.st_ino, before.st_ino);
}

TEST(Atomic, WriteToAFullDeviceIsIoError) {
    struct stat sb;
    if (stat("/dev/full", &sb) != 0 || !S_ISCHR(sb.st_mode)) GTEST_SKIP() << "no /dev/full";
    char err[256] = "";
    EXPECT_EQ(msc_atomic_write("/dev/full", "x\n", 2, err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), std::string("'/dev/full': write: ") + std::strerror(ENOSPC));
}

// ---- append --------------------------------------------------------------------------------------

TEST(Atomic, AppendToAnAbsentFileWritesTheHeadThenTheLine) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.csv";
    char err[256] = "";
    ASSERT_EQ(msc_atomic_append(path.c_str(), "a,b", "1,2", err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(ReadFile(path), "a,b\n1,2\n");
    ASSERT_EQ(msc_atomic_append(path.c_str(), "a,b", "3,4", err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(ReadFile(path), "a,b\n1,2\n3,4\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.csv"}));
}

TEST(Atomic, AppendWithoutHeadToAnAbsentFileWritesTheLineOnly) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.jsonl";
    ASSERT_EQ(msc_atomic_append(path.c_str(), nullptr, "{\"a\":1}", nullptr, 0), MSC_OK);
    ASSERT_EQ(msc_atomic_append(path.c_str(), nullptr, "{\"a\":2}", nullptr, 0), MSC_OK);
    EXPECT_EQ(ReadFile(path), "{\"a\":1}\n{\"a\":2}\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.jsonl"}));
}

// One append onto a file's old content: the head goes only into an empty file, a torn last line
// is kept and the new record starts a line of its own.
struct AppendCase {
    const char *name;
    const char *old;   // the file's content before
    const char *head;  // nullptr: no head
    const char *line;
    const char *want;  // the file's content after
};

class AtomicAppend : public testing::TestWithParam<AppendCase> {};

TEST_P(AtomicAppend, GivesExactlyTheExpectedContent) {
    const AppendCase &c = GetParam();
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.out";
    WriteFile(path, c.old);
    char err[256] = "";
    ASSERT_EQ(msc_atomic_append(path.c_str(), c.head, c.line, err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(ReadFile(path), c.want);
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.out"}));
}

INSTANTIATE_TEST_SUITE_P(
    Atomic, AtomicAppend,
    testing::Values(
        AppendCase{"empty_file_gets_the_head", "", "a,b", "1,2", "a,b\n1,2\n"},
        AppendCase{"empty_file_without_head_gets_the_line_only", "", nullptr, "{}", "{}\n"},
        AppendCase{"file_with_content_gets_no_head", "x,y\n9,9\n", "a,b", "1,2", "x,y\n9,9\n1,2\n"},
        // an older writer died mid-line: its bytes stay, the new record is a line of its own
        AppendCase{"torn_line_kept_new_line_started", "{\"a\":1}\n{\"a\":", nullptr, "{\"a\":3}",
                   "{\"a\":1}\n{\"a\":\n{\"a\":3}\n"},
        AppendCase{"torn_line_gets_no_head_however_short", "a,", "a,b", "1,2", "a,\n1,2\n"},
        AppendCase{"empty_line_writes_a_newline", "x\n", nullptr, "", "x\n\n"}),
    [](const testing::TestParamInfo<AppendCase> &info) { return std::string(info.param.name); });

TEST(Atomic, AppendToALargeFileKeepsEveryByte) {
    // Larger than any first guess at a buffer, with no newline at the end.
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "big.jsonl";
    std::string old;
    for (int i = 0; i < 20000; ++i) old += "{\"i\":" + std::to_string(i) + "}\n";
    old += "torn";
    WriteFile(path, old);
    ASSERT_EQ(msc_atomic_append(path.c_str(), "head", "last", nullptr, 0), MSC_OK);
    EXPECT_EQ(ReadFile(path), old + "\nlast\n");
}

TEST(Atomic, AppendThroughASymlinkKeepsTheLink) {
    const ScratchDir dir("msc_atomic_test");
    ASSERT_EQ(mkdir((dir / "shared").c_str(), 0755), 0);
    WriteFile(dir / "shared/runs.csv", "a,b\n1,2\n");
    ASSERT_EQ(symlink("shared/runs.csv", (dir / "link.csv").c_str()), 0);
    ASSERT_EQ(msc_atomic_append((dir / "link.csv").c_str(), "a,b", "3,4", nullptr, 0), MSC_OK);
    struct stat sb;
    ASSERT_EQ(lstat((dir / "link.csv").c_str(), &sb), 0);
    EXPECT_TRUE(S_ISLNK(sb.st_mode));
    EXPECT_EQ(ReadFile(dir / "shared/runs.csv"), "a,b\n1,2\n3,4\n");
    EXPECT_EQ(List(dir / "shared"), std::set<std::string>({"runs.csv"}));
}

TEST(Atomic, AppendKeepsTheFileMode) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.jsonl";
    WriteFile(path, "{}\n");
    ASSERT_EQ(chmod(path.c_str(), 0600), 0);
    ASSERT_EQ(msc_atomic_append(path.c_str(), nullptr, "{}", nullptr, 0), MSC_OK);
    EXPECT_EQ(Mode(path), 0600u);
    EXPECT_EQ(ReadFile(path), "{}\n{}\n");
}

TEST(Atomic, AppendIntoAMissingDirectoryIsIoErrorAndCreatesNothing) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "missing/runs.jsonl";
    char err[512] = "";
    EXPECT_EQ(msc_atomic_append(path.c_str(), nullptr, "{}", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + path + "': " + std::strerror(ENOENT) +
                                    " (creating a temporary file in '" + dir / "missing" + "')");
    EXPECT_EQ(List(dir.path()), std::set<std::string>());
}

TEST(Atomic, AppendIntoAReadOnlyDirectoryIsIoErrorAndLeavesTheFile) {
    const ScratchDir dir("msc_atomic_test");
    const std::string ro = dir / "ro", path = ro + "/runs.csv";
    ASSERT_EQ(mkdir(ro.c_str(), 0755), 0);
    WriteFile(path, "a,b\n1,2\n");
    ASSERT_EQ(chmod(ro.c_str(), 0555), 0);
    const ChildResult r = RunWithPermissionsEnforced(
        dir, {ro, path}, [&] { return Refused(ro, W_OK); },
        [&](char *err, size_t len) { return msc_atomic_append(path.c_str(), "a,b", "3,4", err, len); });
    if (!r.skip.empty()) GTEST_SKIP() << r.skip;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.st, MSC_ERR_IO);
    EXPECT_EQ(r.err, "'" + path + "': " + std::strerror(EACCES) + " (creating a temporary file in '" +
                         ro + "')");
    EXPECT_EQ(ReadFile(path), "a,b\n1,2\n");
    EXPECT_EQ(List(ro), std::set<std::string>({"runs.csv"}));
}

TEST(Atomic, AppendToAnUnreadableFileIsIoError) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.jsonl";
    WriteFile(path, "{}\n");
    ASSERT_EQ(chmod(path.c_str(), 0200), 0);
    const ChildResult r = RunWithPermissionsEnforced(
        dir, {path}, [&] { return Refused(path, R_OK); },
        [&](char *err, size_t len) { return msc_atomic_append(path.c_str(), nullptr, "{}", err, len); });
    if (!r.skip.empty()) GTEST_SKIP() << r.skip;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.st, MSC_ERR_IO);
    EXPECT_EQ(r.err, "'" + path + "': read: " + std::strerror(EACCES));
    ASSERT_EQ(chmod(path.c_str(), 0600), 0);
    EXPECT_EQ(ReadFile(path), "{}\n");
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.jsonl"}));
}

TEST(Atomic, AppendsFromSeveralProcessesAtOnceKeepEveryRecord) {
    // Each append reads the file and renames a new one over it: without the directory lock two
    // appenders that read the same old content would each drop the other's line.
    constexpr int kChildren = 4, kLines = 100;
    const ScratchDir dir("msc_atomic_test", FastTempDir());
    const std::string path = dir / "runs.csv";
    StartGate gate;
    std::vector<Child> children;
    for (int c = 0; c < kChildren; ++c) {
        const std::vector<std::string> lines = ChildLines(c, kLines);
        children.push_back(Spawn(
            [&]() -> std::string {
                gate.Wait();
                return "";
            },
            [&](char *err, size_t len) { return AppendAll(path, lines, err, len); }));
    }
    gate.Open();
    for (int c = 0; c < kChildren; ++c) {
        const ChildResult r = Collect(children[static_cast<size_t>(c)]);
        EXPECT_EQ(r.exit_code, 0) << "child " << c << ": " << r.err;
        EXPECT_EQ(r.st, MSC_OK) << "child " << c << ": " << r.err;
    }
    const std::vector<std::string> got = Lines(ReadFile(path));
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0], "h");
    std::vector<std::string> records(got.begin() + 1, got.end()), expected;
    EXPECT_EQ(records.size(), static_cast<size_t>(kChildren * kLines));
    for (int c = 0; c < kChildren; ++c) {
        const std::vector<std::string> mine = ChildLines(c, kLines);
        expected.insert(expected.end(), mine.begin(), mine.end());
        // and one process's records stay in the order it appended them
        std::vector<std::string> in_file;
        const std::string prefix = "child " + std::to_string(c) + " ";
        for (const std::string &line : records)
            if (line.compare(0, prefix.size(), prefix) == 0) in_file.push_back(line);
        EXPECT_EQ(in_file, mine) << "child " << c;
    }
    std::sort(records.begin(), records.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(records, expected); // each expected line exactly once, nothing else (no second "h")
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.csv"}));
}

TEST(Atomic, AppendsToTwoFilesOfOneDirectoryAtOnceBothComplete) {
    // The lock is the directory's: appenders of different files there take turns, and both finish.
    constexpr int kLines = 100;
    const ScratchDir dir("msc_atomic_test", FastTempDir());
    const std::string names[2] = {"a.csv", "b.csv"};
    StartGate gate;
    std::vector<Child> children;
    for (int c = 0; c < 2; ++c) {
        const std::string path = dir / names[c];
        const std::vector<std::string> lines = ChildLines(c, kLines);
        children.push_back(Spawn(
            [&]() -> std::string {
                gate.Wait();
                return "";
            },
            [&](char *err, size_t len) { return AppendAll(path, lines, err, len); }));
    }
    gate.Open();
    for (int c = 0; c < 2; ++c) {
        const ChildResult r = Collect(children[static_cast<size_t>(c)]);
        EXPECT_EQ(r.exit_code, 0) << names[c] << ": " << r.err;
        EXPECT_EQ(r.st, MSC_OK) << names[c] << ": " << r.err;
        std::string expected = "h\n";
        for (const std::string &line : ChildLines(c, kLines)) expected += line + "\n";
        EXPECT_EQ(ReadFile(dir / names[c]), expected) << names[c];
    }
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"a.csv", "b.csv"}));
}

TEST(Atomic, AppendToADirectoryIsIoError) {
    const ScratchDir dir("msc_atomic_test");
    char err[512] = "";
    EXPECT_EQ(msc_atomic_append(dir.path().c_str(), nullptr, "{}", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + dir.path() + "': is a directory");
    EXPECT_EQ(List(dir.path()), std::set<std::string>());
}

TEST(Atomic, AppendCutShortBySizeLimitLeavesTheOldFileAndNoTemporary) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "runs.csv";
    const std::string old = "a,b\n1,2\n";
    WriteFile(path, old);
    const std::string row(500, '7'); // old + row does not fit 100 bytes
    const ChildResult r = RunWithFileSizeLimit(100, [&](char *err, size_t len) {
        return msc_atomic_append(path.c_str(), "a,b", row.c_str(), err, len);
    });
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.st, MSC_ERR_IO);
    EXPECT_EQ(r.err, "'" + path + "': write: " + std::strerror(EFBIG));
    EXPECT_EQ(ReadFile(path), old);
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"runs.csv"}));
}

TEST(Atomic, AppendToAFullDeviceIsIoError) {
    struct stat sb;
    if (stat("/dev/full", &sb) != 0 || !S_ISCHR(sb.st_mode)) GTEST_SKIP() << "no /dev/full";
    char err[256] = "";
    EXPECT_EQ(msc_atomic_append("/dev/full", "h", "x", err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), std::string("'/dev/full': write: ") + std::strerror(ENOSPC));
}

TEST(Atomic, AppendToAPipeWritesTheHeadAndLineDirectly) {
    // A FIFO must be neither opened to read back (that would block or steal data) nor replaced.
    const ScratchDir dir("msc_atomic_test");
    const std::string fifo = dir / "pipe";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    std::string got;
    std::thread reader([&] {
        const int fd = open(fifo.c_str(), O_RDONLY);
        if (fd < 0) return;
        char buf[256];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
        close(fd);
    });
    char err[256] = "";
    const msc_status st = msc_atomic_append(fifo.c_str(), "a,b", "1,2", err, sizeof err);
    const int unblock = open(fifo.c_str(), O_WRONLY | O_NONBLOCK); // if the append never opened it
    if (unblock >= 0) close(unblock);
    reader.join();
    EXPECT_EQ(st, MSC_OK) << err;
    EXPECT_EQ(got, "a,b\n1,2\n");
    struct stat sb;
    ASSERT_EQ(lstat(fifo.c_str(), &sb), 0);
    EXPECT_TRUE(S_ISFIFO(sb.st_mode));
    EXPECT_EQ(List(dir.path()), std::set<std::string>({"pipe"}));
}

// ---- the fsyncs on their own -----------------------------------------------------------------------

TEST(Atomic, SyncFileAndDirectoryOfAnExistingFileSucceed) {
    const ScratchDir dir("msc_atomic_test");
    WriteFile(dir / "f", "data\n");
    char err[256] = "";
    EXPECT_EQ(msc_atomic_sync_file((dir / "f").c_str(), err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(msc_atomic_sync_dir((dir / "f").c_str(), err, sizeof err), MSC_OK) << err;
    EXPECT_EQ(ReadFile(dir / "f"), "data\n");
}

TEST(Atomic, SyncOfAMissingFileIsIoErrorNamingIt) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "absent";
    char err[512] = "";
    EXPECT_EQ(msc_atomic_sync_file(path.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + path + "': fsync: " + std::strerror(ENOENT));
    EXPECT_EQ(List(dir.path()), std::set<std::string>());
}

TEST(Atomic, SyncDirOfAMissingDirectoryIsIoErrorNamingThePath) {
    const ScratchDir dir("msc_atomic_test");
    const std::string path = dir / "missing/f";
    char err[512] = "";
    EXPECT_EQ(msc_atomic_sync_dir(path.c_str(), err, sizeof err), MSC_ERR_IO);
    EXPECT_EQ(std::string(err), "'" + path + "': directory fsync: " + std::strerror(ENOENT));
}

} // namespace
