"""OWSLib's WPS 1.0.0 client against Meridian's /wps: prints one JSON document of what it saw.

argv: url api-key scene-href bbox(minx,miny,maxx,maxy) outdir
"""
import faulthandler
import json
import os
import sys

# A hang shows where it is (stderr) instead of only timing out.
faulthandler.dump_traceback_later(float(os.environ.get('WPS1_TRACE_AFTER', '170')), exit=True)

from owslib.wps import SYNC, BoundingBoxDataInput, ComplexDataInput, WebProcessingService, monitorExecution

url, key, scene, bbox, outdir = sys.argv[1:6]
headers = {'X-API-Key': key}
out = {}
wps = WebProcessingService(url, version='1.0.0', headers=headers, skip_caps=True)
wps.getcapabilities()
out['caps'] = {'version': wps.version, 'title': wps.identification.title, 'type': wps.identification.type,
               'processes': [p.identifier for p in wps.processes],
               'operations': [o.name for o in wps.operations]}
clip = wps.describeprocess('clip')
out['describe'] = {
    'identifier': clip.identifier, 'storeSupported': clip.storeSupported, 'statusSupported': clip.statusSupported,
    'inputs': {i.identifier: {'dataType': i.dataType, 'minOccurs': i.minOccurs, 'maxOccurs': i.maxOccurs,
                              'formats': [f.mimeType for f in (i.supportedValues or []) if hasattr(f, 'mimeType')],
                              'crs': [str(v) for v in (i.supportedValues or []) if not hasattr(v, 'mimeType')]}
               for i in clip.dataInputs},
    'outputs': {o.identifier: {'dataType': o.dataType, 'formats': [f.mimeType for f in o.supportedValues]} for o in clip.processOutputs},
}
lo = [float(v) for v in bbox.split(',')]
inputs = [('image', ComplexDataInput(scene)), ('bbox', BoundingBoxDataInput(lo, crs='EPSG:4326'))]

# Synchronous: the output by reference, then fetched (getOutput) with the same headers.
sync = wps.execute('clip', inputs, output=[('clipped', True, None)], mode=SYNC)
out['sync'] = {'status': sync.status, 'refs': [o.reference for o in sync.processOutputs], 'errors': [e.text for e in sync.errors]}
if sync.isSucceeded():
    sync.getOutput(filepath=f'{outdir}/sync.tif', identifier='clipped')

# Asynchronous: storeExecuteResponse + status, polled at statusLocation.
run = wps.execute('clip', inputs, output=[('clipped', True, None)], lineage=True)
out['async'] = {'first': run.status, 'statusLocation': run.statusLocation}
seen = [run.status]
while not run.isComplete():
    run.checkStatus(sleepSecs=0.2)
    seen.append(run.status)
out['async'].update({'seen': seen, 'final': run.status, 'percent': run.percentCompleted,
                     'refs': [o.reference for o in run.processOutputs],
                     'lineage': [i.identifier for i in run.dataInputs]})
if run.isSucceeded():
    run.getOutput(filepath=f'{outdir}/async.tif', identifier='clipped')

# monitorExecution on another async run, and an exception (unknown process) parsed by OWSLib.
again = wps.execute('clip', inputs, output=[('clipped', True, None)])
monitorExecution(again, sleepSecs=0.2, download=True, filepath=f'{outdir}/monitored.tif')
out['monitored'] = again.status
try:
    wps.describeprocess('no-such-process')
    out['error'] = None
except Exception as e:  # OWSLib raises on an ExceptionReport
    out['error'] = str(e)
print(json.dumps(out))
