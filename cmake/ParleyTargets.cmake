# Project-wide defaults applied per target (no global flags).

# parley_target_defaults(<target>): Qt strictness macros, warnings and hardening.
function(parley_target_defaults target)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_FOREACH
        QT_NO_KEYWORDS
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        PARLEY_VERSION_STRING="${PROJECT_VERSION}")
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wshadow=local -Wnon-virtual-dtor -Wformat=2 -Wformat-security
        -fstack-protector-strong -fstack-clash-protection -fcf-protection
        $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
    if(PARLEY_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_link_options(${target} PRIVATE
        -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
        set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
        target_link_options(${target} PRIVATE -pie)
    endif()
endfunction()

# parley_add_test(<name> SOURCES ... [LIBS ...] [ENV ...] [TIMEOUT s] [LABELS ...] [COST s])
# One Qt Test executable per unit, registered with ctest. COST: the seconds the test takes under ctest --preset ci,
# for those that take over about 20 s. ctest starts the costliest tests first; without it a fresh build tree (no
# Testing/Temporary/CTestCostData.txt yet, as on CI) starts them in declaration order and a long test that starts
# late makes the run's tail.
function(parley_add_test name)
    cmake_parse_arguments(T "" "TIMEOUT;COST" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
    qt_add_executable(${name} ${T_SOURCES})
    parley_target_defaults(${name})
    target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
    # A test's Q_OBJECT classes are in its .cpp (the fixtures' in their libraries): its AUTOMOC file is empty.
    parley_reuse_precompiled_headers(${name} NO_MOC)
    add_test(NAME ${name} COMMAND ${name})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${T_ENV}")
    if(T_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
    endif()
    if(T_COST)
        set_tests_properties(${name} PROPERTIES COST ${T_COST})
    endif()
endfunction()

# Precompiled headers (option PARLEY_PCH, on by default): the Qt headers the sources include most, parsed once per
# precompiled header instead of once per source file. They save 1 to 2 CPU s of each source file's 2 to 10 s at -O2.
# QtCore and QtNetwork only: every target links both, so that one precompiled header (parley-pch's) serves the
# server's libraries, the tools, the benchmarks and all the tests (QtTest cannot be in it: qtest.h reads
# QT_TESTCASE_BUILDDIR, which differs per test directory). GCC refuses a precompiled header built with a macro the
# source file lacks or defines differently, or one that the headers read and the source file defines besides, and
# says so (-Winvalid-pch, an error with PARLEY_WERROR). A source file gets the headers whether it includes them or
# not: a build with -DPARLEY_PCH=OFF shows an include that is missing. ccache caches a compilation with a precompiled
# header only with sloppiness=pch_defines,time_macros (its manual, "Precompiled headers"); or build with PARLEY_PCH off.
set(PARLEY_PCH_HEADERS
    <QByteArray> <QByteArrayView> <QCborArray> <QCborMap> <QCborStreamWriter> <QCborValue> <QCoreApplication>
    <QCryptographicHash> <QDateTime> <QDir> <QElapsedTimer> <QFile> <QFileInfo> <QHash> <QHostAddress> <QJsonArray>
    <QJsonDocument> <QJsonObject> <QList> <QLoggingCategory> <QMap> <QMutex> <QObject> <QPointer> <QProcess>
    <QRegularExpression> <QSet> <QSocketNotifier> <QSslCertificate> <QSslConfiguration> <QSslKey> <QSslSocket>
    <QStandardPaths> <QString> <QStringList> <QTcpServer> <QTcpSocket> <QTemporaryDir> <QThread> <QTimer> <QUrl>
    <QVariant> <QtEndian>)

# parley_add_pch_host(): parley-pch, the target that builds the shared precompiled header: the project's defaults and
# QtCore and QtNetwork, nothing more, so that its macros are a subset of every user's.
function(parley_add_pch_host)
    set(source ${PROJECT_BINARY_DIR}/parley-pch.cpp)
    file(CONFIGURE OUTPUT ${source}
         CONTENT "// The target that builds the shared precompiled header (cmake/ParleyTargets.cmake).\n")
    add_library(parley-pch OBJECT ${source})
    set_target_properties(parley-pch PROPERTIES AUTOMOC OFF AUTOUIC OFF AUTORCC OFF)
    parley_target_defaults(parley-pch)
    target_link_libraries(parley-pch PRIVATE Qt6::Core Qt6::Network)
    target_precompile_headers(parley-pch PRIVATE ${PARLEY_PCH_HEADERS})
endfunction()

# parley_precompile_headers(<target> [<header>...]): a precompiled header of the target's own, of PARLEY_PCH_HEADERS
# and the given headers; for the targets whose compile flags differ from parley-pch's.
function(parley_precompile_headers target)
    if(PARLEY_PCH)
        target_precompile_headers(${target} PRIVATE ${PARLEY_PCH_HEADERS} ${ARGN})
    endif()
endfunction()

# parley_reuse_precompiled_headers(<target>... [NO_MOC]): the targets use parley-pch's precompiled header. NO_MOC:
# not in the targets' AUTOMOC file, which has nothing to compile when no header of the target is Q_OBJECT (loading
# the precompiled header alone takes about 0.8 CPU s).
function(parley_reuse_precompiled_headers)
    cmake_parse_arguments(P "NO_MOC" "" "" ${ARGN})
    if(NOT PARLEY_PCH)
        return()
    endif()
    foreach(target IN LISTS P_UNPARSED_ARGUMENTS)
        target_precompile_headers(${target} REUSE_FROM parley-pch)
        if(P_NO_MOC)
            get_target_property(dir ${target} BINARY_DIR)
            set_source_files_properties(${dir}/${target}_autogen/mocs_compilation.cpp TARGET_DIRECTORY ${target}
                                        PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
        endif()
    endforeach()
endfunction()
