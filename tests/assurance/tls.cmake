# TLS server (FTP_DIT_EXT.1 through the TLS package's FCS_TLSS_EXT.1 tests): openssl s_client and hand-made
# handshakes against both listeners of running parleyds. testssl-release.sh, the testssl.sh scan, is a release
# check and not run here.
add_test(NAME tst_tlsserver
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tst_tlsserver.sh ${CMAKE_BINARY_DIR})
set_tests_properties(tst_tlsserver PROPERTIES LABELS assurance TIMEOUT 150 PROCESSORS 2)   # handshakes back to back
