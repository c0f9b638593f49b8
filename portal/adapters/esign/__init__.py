"""Electronic signature providers (IT Act s.3/s.3A): PAdES with a DSC, Aadhaar eSign, DocuSign."""
