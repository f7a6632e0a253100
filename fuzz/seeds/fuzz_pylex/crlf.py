try:
	import a
except:
	pass
\
import b