// An LD_PRELOAD library for tst_storagefaults: makes the file-system calls on one directory fail on demand, the way
// a failing disk or file system does, while everything else in the process goes on as usual.
//
//   PARLEY_FAULT_DIR   the directory whose files are affected (absolute; the others never are)
//   PARLEY_FAULT_FILE  a control file; its first word says what fails, re-read at most every 5 ms:
//                      "fsync"  fsync() and fdatasync() fail with EIO (the data was written, its sync failed)
//                      "rofs"   every call that would change a file fails with EROFS, as after the kernel remounted
//                               the file system read-only (ext4 errors=remount-ro): opening for writing, creating,
//                               writing, truncating, syncing, removing
//                      anything else, or no file: nothing fails
//
// SQLite reaches the C library through these symbols (open64, pwrite64, write, ftruncate64, fdatasync, unlink,
// mkdir); the other names are covered so that the shim does not depend on how a caller was compiled.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum { ModeNone = 0, ModeFsync = 1, ModeReadOnly = 2 };

static int g_mode = ModeNone;
static long long g_checkedAtNs = -1000000000LL;

static long long nowNs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// The mode the control file names. Raw system calls: open() and read() here would be the shim's own.
static int currentMode(void)
{
    const long long now = nowNs();
    if (now - __atomic_load_n(&g_checkedAtNs, __ATOMIC_RELAXED) < 5000000LL)
        return __atomic_load_n(&g_mode, __ATOMIC_RELAXED);
    __atomic_store_n(&g_checkedAtNs, now, __ATOMIC_RELAXED);
    const char *control = getenv("PARLEY_FAULT_FILE");
    int mode = ModeNone;
    if (control) {
        const int fd = (int)syscall(SYS_openat, AT_FDCWD, control, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            char word[16] = {0};
            const long n = syscall(SYS_read, fd, word, sizeof word - 1);
            syscall(SYS_close, fd);
            if (n > 0 && strncmp(word, "fsync", 5) == 0)
                mode = ModeFsync;
            else if (n > 0 && strncmp(word, "rofs", 4) == 0)
                mode = ModeReadOnly;
        }
    }
    __atomic_store_n(&g_mode, mode, __ATOMIC_RELAXED);
    return mode;
}

static int underFaultDir(const char *path)
{
    const char *dir = getenv("PARLEY_FAULT_DIR");
    if (!dir || !*dir || !path)
        return 0;
    const size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int fdUnderFaultDir(int fd)
{
    char link[64];
    char path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return underFaultDir(path);
}

// Whether a call on `fd` fails now (errno set to what it fails with). `syncCall`: fsync() or fdatasync().
static int failsOnFd(int fd, int syncCall)
{
    const int mode = currentMode();
    if (mode == ModeNone || (mode == ModeFsync && !syncCall))
        return 0;
    if (!fdUnderFaultDir(fd))
        return 0;
    errno = mode == ModeFsync ? EIO : EROFS;
    return 1;
}

static int failsOnPath(const char *path)
{
    if (currentMode() != ModeReadOnly || !underFaultDir(path))
        return 0;
    errno = EROFS;
    return 1;
}

static int changesFile(int flags)
{
    return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

// The C library's own function, looked up once.
#define REAL(fn)                                                                                                    \
    ({                                                                                                              \
        static __typeof__(fn) *real_;                                                                               \
        if (!__atomic_load_n(&real_, __ATOMIC_ACQUIRE))                                                             \
            __atomic_store_n(&real_, (__typeof__(fn) *)dlsym(RTLD_NEXT, #fn), __ATOMIC_RELEASE);                    \
        __atomic_load_n(&real_, __ATOMIC_ACQUIRE);                                                                  \
    })

int fsync(int fd)
{
    if (failsOnFd(fd, 1))
        return -1;
    return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
    if (failsOnFd(fd, 1))
        return -1;
    return REAL(fdatasync)(fd);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(write)(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(pwrite)(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(pwrite64)(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(writev)(fd, iov, iovcnt);
}

int ftruncate(int fd, off_t length)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(ftruncate)(fd, length);
}

int ftruncate64(int fd, off64_t length)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(ftruncate64)(fd, length);
}

int fallocate(int fd, int mode, off_t offset, off_t len)
{
    if (failsOnFd(fd, 0))
        return -1;
    return REAL(fallocate)(fd, mode, offset, len);
}

static mode_t modeArgument(int flags, va_list args)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(args, int) : 0;
}

int open(const char *path, int flags, ...)
{
    va_list args;
    va_start(args, flags);
    const mode_t mode = modeArgument(flags, args);
    va_end(args);
    if (changesFile(flags) && failsOnPath(path))
        return -1;
    return REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list args;
    va_start(args, flags);
    const mode_t mode = modeArgument(flags, args);
    va_end(args);
    if (changesFile(flags) && failsOnPath(path))
        return -1;
    return REAL(open64)(path, flags, mode);
}

int unlink(const char *path)
{
    if (failsOnPath(path))
        return -1;
    return REAL(unlink)(path);
}

int mkdir(const char *path, mode_t mode)
{
    if (failsOnPath(path))
        return -1;
    return REAL(mkdir)(path, mode);
}
