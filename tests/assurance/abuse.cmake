# Abuse (docs/security.md): connection floods, slow clients, oversize, fragmented and compressed frames, enrollment
# and admin brute force, prekey drain and room record floods against a real parleyd, each bounded with a clear error
# while the real SDK keeps being served. About 40 s; the CI budget is 90 s.
find_package(Qt6 REQUIRED COMPONENTS WebSockets)
parley_add_test(tst_abuse
    SOURCES tst_abuse.cpp abuseclient.h ../e2e/harness.h ../admin/syncadminclient.h
    LIBS parley Qt6::WebSockets
    LABELS assurance TIMEOUT 150 COST 33)
target_compile_definitions(tst_abuse PRIVATE PARLEYD_BINARY="$<TARGET_FILE:parleyd>")
add_dependencies(tst_abuse parleyd)
set_tests_properties(tst_abuse PROPERTIES PROCESSORS 2)   # the floods take both cores
