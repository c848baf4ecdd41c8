/*
 * errname.c - errno names (see errname.h).
 */
#include <errno.h>
#include "errname.h"

const char *errno_name(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case EAGAIN: return "EAGAIN";
	case E2BIG: return "E2BIG";
	case EIO: return "EIO";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	default: return "error";
	}
}
