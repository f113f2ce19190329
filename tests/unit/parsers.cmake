# SIP security parsers: digest (RFC 2617/3310/4169), sec-agree (RFC 3329).
find_package(OpenSSL 3.0 REQUIRED)
ims_unit_test(test_digest ims_sip OpenSSL::Crypto)
ims_unit_test(test_secagree ims_sip)
