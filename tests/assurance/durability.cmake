# Durability: SIGKILLs while clients work (tst_crashconsistency) and a failing data directory (tst_storagefaults):
# disk full, a read-only file system, fsync errors. docs/durability.md describes both and the longer release runs.
find_package(Qt6 REQUIRED COMPONENTS Sql WebSockets)

parley_add_test(tst_crashconsistency
                SOURCES tst_crashconsistency.cpp durability.h ${PROJECT_SOURCE_DIR}/tests/e2e/harness.h
                LIBS parley Qt6::Sql Qt6::WebSockets LABELS assurance TIMEOUT 300)
target_include_directories(tst_crashconsistency PRIVATE ${PROJECT_SOURCE_DIR}/tests/e2e)
target_compile_definitions(tst_crashconsistency PRIVATE PARLEYD_BINARY="$<TARGET_FILE:parleyd>")
add_dependencies(tst_crashconsistency parleyd)
