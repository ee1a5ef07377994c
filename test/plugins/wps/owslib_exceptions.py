"""OWSLib's OWS Common exception parser on Meridian's WPS 2.0 ExceptionReports.

stdin: a JSON list of ExceptionReport documents (strings). stdout: a JSON list, for each, of the
exceptions OWSLib reads (owslib.ows.ExceptionReport with the OWS 2.0 namespace): exceptionCode,
locator and ExceptionText, and the report's version attribute.

OWSLib's WPS client (owslib.wps, 0.27) is WPS 1.0.0 only: its WPSExecution looks for OWS 1.1
exceptions, so the OWS Common 2.0 reader is the part of OWSLib that reads these documents.
"""
import json
import sys

from lxml import etree
from owslib.ows import OWS_NAMESPACE_2_0_0, ExceptionReport

out = []
for doc in json.load(sys.stdin):
    root = etree.fromstring(doc.encode('utf-8'))
    report = ExceptionReport(root, namespace=OWS_NAMESPACE_2_0_0)
    out.append({'version': root.get('version'), 'exceptions': report.exceptions})
print(json.dumps(out))
