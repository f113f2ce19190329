# TS 33.203 Annex I ESP key expansion (common/ipsec3gpp, in ims_sip).
ims_unit_test(test_ipsec3gpp ims_sip)
