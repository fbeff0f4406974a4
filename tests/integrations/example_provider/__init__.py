"""A provider that exists only while its tests run, defined entirely in this folder: the
integrations side (provider.py, urls.py, views.py, a record panel), and its sandbox emulator
(emulator.py) with a control hook. installed.py puts it in and takes it out again; no file under
src/ names it, which is the point: a provider is a folder, found by the framework."""
