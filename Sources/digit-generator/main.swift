import CGtk
import DigitCore
