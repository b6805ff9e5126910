# Durability: SIGKILLs while clients work (tst_crashconsistency; 40 here, 100 in the release check
# crashconsistency-release.sh), a failing data directory (tst_storagefaults): disk full, a read-only file system,
# fsync errors, and PostgreSQL restarted under load (tst_parleydpostgres). docs/durability.md describes them and
# records the last results.
find_package(Qt6 REQUIRED COMPONENTS Sql WebSockets)

parley_add_test(tst_crashconsistency
                SOURCES tst_crashconsistency.cpp durability.h ${PROJECT_SOURCE_DIR}/tests/e2e/harness.h
                LIBS parley Qt6::Sql Qt6::WebSockets LABELS assurance TIMEOUT 300 COST 55)
target_include_directories(tst_crashconsistency PRIVATE ${PROJECT_SOURCE_DIR}/tests/e2e)
target_compile_definitions(tst_crashconsistency PRIVATE PARLEYD_BINARY="$<TARGET_FILE:parleyd>")
add_dependencies(tst_crashconsistency parleyd)
set_tests_properties(tst_crashconsistency PROPERTIES PROCESSORS 2)   # clients at full speed between the kills

# The fault injection library tst_storagefaults preloads into parleyd (faultshim.c says how it is driven).
enable_language(C)
add_library(parley_faultshim SHARED faultshim.c)
set_target_properties(parley_faultshim PROPERTIES AUTOMOC OFF AUTOUIC OFF AUTORCC OFF)
target_compile_options(parley_faultshim PRIVATE -Wall -Wextra $<$<BOOL:${PARLEY_WERROR}>:-Werror>)
target_link_libraries(parley_faultshim PRIVATE ${CMAKE_DL_LIBS})

parley_add_test(tst_storagefaults
                SOURCES tst_storagefaults.cpp durability.h ${PROJECT_SOURCE_DIR}/tests/e2e/harness.h
                LIBS parley Qt6::Sql Qt6::WebSockets LABELS assurance TIMEOUT 120)
target_include_directories(tst_storagefaults PRIVATE ${PROJECT_SOURCE_DIR}/tests/e2e)
target_compile_definitions(tst_storagefaults PRIVATE
    PARLEYD_BINARY="$<TARGET_FILE:parleyd>"
    FAULTSHIM_LIBRARY="$<TARGET_FILE:parley_faultshim>")
add_dependencies(tst_storagefaults parleyd parley_faultshim)
# Without a mount namespace of its own (no user namespaces, no privilege) the test says so and counts as skipped.
set_tests_properties(tst_storagefaults PROPERTIES SKIP_REGULAR_EXPRESSION "storage faults: skipped")

# parleyd on PostgreSQL: bad [store] settings stop it at start naming the setting; PostgreSQL restarted while devices
# send (tests/server/postgresfixture.h starts the server).
parley_add_test(tst_parleydpostgres
                SOURCES tst_parleydpostgres.cpp durability.h ${PROJECT_SOURCE_DIR}/tests/e2e/harness.h
                        ${PROJECT_SOURCE_DIR}/tests/server/postgresfixture.h
                LIBS parley Qt6::Sql Qt6::WebSockets LABELS assurance postgresql TIMEOUT 300 COST 21)
target_include_directories(tst_parleydpostgres PRIVATE ${PROJECT_SOURCE_DIR}/tests/e2e ${PROJECT_SOURCE_DIR}/tests/server
                           ${PROJECT_SOURCE_DIR}/server)
target_compile_definitions(tst_parleydpostgres PRIVATE PARLEYD_BINARY="$<TARGET_FILE:parleyd>")
add_dependencies(tst_parleydpostgres parleyd)

# Several nodes on one PostgreSQL, behind a real HAProxy (docs/scale-out.md): what works (tst_cluster) and what
# survives failures (tst_clusterfailover).
set(parley_cluster_fixture clusterfixture.h clusternodes.h durability.h ${PROJECT_SOURCE_DIR}/tests/e2e/harness.h
    ${PROJECT_SOURCE_DIR}/tests/server/postgresfixture.h ${PROJECT_SOURCE_DIR}/tests/admin/adminfixture.h)
parley_add_test(tst_cluster
                SOURCES tst_cluster.cpp ${parley_cluster_fixture} ${PROJECT_SOURCE_DIR}/tests/e2e/transfers.h
                LIBS parley parleyd-daemon Qt6::Sql Qt6::WebSockets LABELS assurance postgresql TIMEOUT 300 COST 45)
parley_add_test(tst_clusterfailover
                SOURCES tst_clusterfailover.cpp ${parley_cluster_fixture}
                LIBS parley Qt6::Sql Qt6::WebSockets LABELS assurance postgresql TIMEOUT 300 COST 50)
foreach(test tst_cluster tst_clusterfailover)
    target_include_directories(${test} PRIVATE ${PROJECT_SOURCE_DIR}/tests/e2e ${PROJECT_SOURCE_DIR}/tests/server
                               ${PROJECT_SOURCE_DIR}/server)
    target_compile_definitions(${test} PRIVATE PARLEYD_BINARY="$<TARGET_FILE:parleyd>"
                               PARLEYCTL_BINARY="$<TARGET_FILE:parleyctl>"
                               PARLEY_ALERT_RULES="${PROJECT_SOURCE_DIR}/resources/prometheus/parleyd.rules.yml")
    add_dependencies(${test} parleyd parleyctl)
endforeach()
