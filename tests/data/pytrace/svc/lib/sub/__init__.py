from .. import consts
