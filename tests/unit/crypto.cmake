# Unit tests of the AKA algorithms and key derivation (common/ims_crypto).
ims_unit_test(test_milenage ims_crypto)
ims_unit_test(test_tuak ims_crypto)
ims_unit_test(test_aka ims_crypto)
ims_unit_test(test_kdf ims_crypto)
