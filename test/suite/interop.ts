// interop cases come next
